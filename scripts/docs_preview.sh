#!/usr/bin/env bash
# make docs-preview: every page of the claim letters of the demo shop (a Russian individual
# and a Russian company), page 1 of a customer statement, of a reconciliation act (акт сверки)
# of a Russian company and of an installment agreement, as PNG under docs/preview/.
# Odoo serves HTTP while the PDFs are rendered so that wkhtmltopdf loads the report CSS.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
mkdir -p .odoo-data docs/preview
DB=${DOCS_DB:-asd_docs}
PORT=${DOCS_HTTP_PORT:-8179}
if ! psql -d "$DB" -tAc "SELECT 1 FROM ir_module_module WHERE name='auto_service_debt' AND state='installed'" 2>/dev/null | grep -q 1; then
  echo "[docs] creating the database $DB"
  fresh_db "$DB"
fi
psql -d "$DB" -qc "INSERT INTO ir_config_parameter (key, value, create_date, write_date)
  VALUES ('report.url', 'http://127.0.0.1:$PORT', now(), now())
  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"

"${ODOO[@]}" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" --http-interface=127.0.0.1 \
    --workers=0 --max-cron-threads=0 --log-level=warn >.odoo-data/docs-server.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/web/health" && break
  sleep 1
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/web/health" || echo "[docs] WARNING: the server did not answer; the previews will be unstyled"

out=$(mktemp -d)
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" shell -c "$CONF" -d "$DB" --no-http --log-level=warn >"$out/shell.log" 2>&1 <<PY || { cat "$out/shell.log"; exit 1; }
import base64
company = env["res.company"].search([("name", "=", "ООО «Автосервис Гараж»")], limit=1)
assert company, "the demo company is missing: recreate the database with demo data"
env = env(context=dict(env.context, allowed_company_ids=company.ids))
partner_bank = company.partner_id.bank_ids[:1]
if not partner_bank:
    bank = env["res.bank"].create({"name": "ПАО Сбербанк", "bic": "044525225",
                                   "debt_corr_account": "30101810400000000225"})
    env["res.partner.bank"].create({
        "partner_id": company.partner_id.id, "bank_id": bank.id, "company_id": company.id,
        "acc_number": "40702810938000012345", "allow_out_payment": True,
    })
company.write({
    "external_report_layout_id": company.external_report_layout_id.id or env.ref("web.external_layout_standard").id,
    "debt_claim_signatory_name": company.debt_claim_signatory_name or "Андреев А. А.",
    "debt_claim_signatory_title": company.debt_claim_signatory_title or "Генеральный директор",
})
company.partner_id.debt_kpp = company.partner_id.debt_kpp or "771401001"
Case = env["debt.collection.case"].with_company(company).with_context(debt_no_entry_actions=True)
Report = env["ir.actions.report"].with_company(company)
for ref, name in (("DEMO-01", "claim_individual"), ("DEMO-02", "claim_company")):
    partner = env["res.partner"].search([("ref", "=", ref)], limit=1)
    case = Case.search([("partner_id", "=", partner.id), ("company_id", "=", company.id), ("state", "=", "open")], limit=1)
    if not case:
        case = Case.create({"partner_id": partner.id, "company_id": company.id})
    claim = case._debt_ensure_claim()
    pdf, _ = Report._render_qweb_pdf("auto_service_debt.action_report_claim_letter", claim.ids)
    open("$out/%s.pdf" % name, "wb").write(pdf)
    print("claim", claim.name, partner.name, claim.total_amount)
partner = env["res.partner"].search([("ref", "=", "DEMO-01")], limit=1)
pdf, _ = Report._render_qweb_pdf("auto_service_debt.action_report_customer_statement", partner.ids)
open("$out/statement_individual.pdf", "wb").write(pdf)
firm = env["res.partner"].search([("ref", "=", "DEMO-02")], limit=1)
act = env["debt.reconciliation.act.wizard"].with_company(company).create({
    "partner_id": firm.id, "company_id": company.id,
})
pdf, _ = Report._render_qweb_pdf("auto_service_debt.action_report_reconciliation_act", act.ids)
open("$out/reconciliation_act_company.pdf", "wb").write(pdf)
# an installment agreement over the open invoices of a Russian individual
import datetime
Plan = env["debt.installment.plan"].with_company(company)
plan = Plan.search([("company_id", "=", company.id), ("state", "in", ("draft", "active"))], limit=1)
if not plan:
    debtor = env["res.partner"].search([("ref", "=", "DEMO-01")], limit=1)
    invoices = env["account.move"].search([
        ("partner_id", "=", debtor.id), ("company_id", "=", company.id), ("state", "=", "posted"),
        ("move_type", "=", "out_invoice"), ("payment_state", "in", ("not_paid", "partial")),
    ])
    wizard = env["debt.installment.plan.wizard"].with_company(company).with_context(
        active_model="account.move", active_ids=invoices.ids,
    ).create({"installment_count": 4, "interval": "months",
              "first_due_date": datetime.date.today() + datetime.timedelta(days=30)})
    plan = Plan.browse(wizard.action_create_plan()["res_id"])
pdf, _ = Report._render_qweb_pdf("auto_service_debt.action_report_installment_agreement", plan.ids)
open("$out/installment_agreement.pdf", "wb").write(pdf)
env.cr.commit()
PY
grep -E "^claim " "$out/shell.log" || true
# every page of the claims (the letter and its calculation annex), page 1 of the others
for name in claim_individual claim_company; do
  rm -f docs/preview/"$name"*.png
  pdftoppm -r 80 -png "$out/$name.pdf" "docs/preview/$name"
  ls docs/preview/"$name"*.png | sed 's/^/[docs] /'
done
for name in statement_individual reconciliation_act_company installment_agreement; do
  pdftoppm -f 1 -l 1 -r 80 -png -singlefile "$out/$name.pdf" "docs/preview/$name"
  echo "[docs] docs/preview/$name.png"
done
rm -rf "$out"
