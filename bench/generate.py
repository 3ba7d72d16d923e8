"""Bulk generator of a chain of shops' receivables for the benchmark.

Creating and posting invoices through the ORM runs at about 24 invoices a second with
their payments: the default scale (200 000 invoices) would take hours. This generator
writes the same rows the ORM would leave behind (partners, posted invoices, payment
entries, partial and full reconciliations, residuals, payment states, due dates) with a
handful of set-based INSERT ... SELECT statements inside PostgreSQL.

    python bench/generate.py -c CONF -d DB --scale 1.0 [--today YYYY-MM-DD] [--seed 0.42]

Scale 1.0: 20 000 customers, 200 000 posted invoices over 2 years in 2 companies, about
20 000 of them overdue (a third of those partly paid), the rest paid or not yet due.
Three more customers have exactly 2, 100 and 1 000 invoices (order-confirmation check).
"""

import argparse
import json
import time
from datetime import date

from bootstrap import boot, environment, log

MARKER = "asd.bench.generated"
HISTORY_DAYS = 730
SPECIAL_COUNTS = (2, 100, 1000)


def reserve(cr, table, count):
    """Take ``count`` consecutive ids from the table's sequence (and move it past them)."""
    seq = f"{table}_id_seq"
    cr.execute(f"SELECT GREATEST(nextval('{seq}'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}))")
    base = cr.fetchone()[0]
    cr.execute(f"SELECT setval('{seq}', %s)", [base + max(count, 1) - 1])
    return base


BULK_TABLES = ["res_partner", "account_move", "account_move_line", "account_partial_reconcile",
               "account_full_reconcile"]


def drop_indexes(cr):
    """Drop the secondary indexes of the bulk-loaded tables (rebuilt by ``create_indexes``):
    building an index once over the whole table is much faster than updating it row by
    row, the trigram (GIN) indexes on names and references most of all."""
    cr.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
             FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        [BULK_TABLES],
    )
    defs = cr.fetchall()
    for name, _definition in defs:
        cr.execute(f"DROP INDEX {name}")
    return defs


def create_indexes(cr, defs):
    for _name, definition in defs:
        cr.execute(definition)


def bench_companies(env):
    """The first two companies that have a chart of accounts (a sale and a bank journal)."""
    cr = env.cr
    rows = []
    for company in env["res.company"].search([], order="id"):
        sale = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], order="id", limit=1
        )
        bank = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], order="id", limit=1
        )
        if not (sale and bank and sale.default_account_id and bank.default_account_id):
            continue
        receivable = env["res.partner"].with_company(company).new({}).property_account_receivable_id
        if not receivable:
            cr.execute(
                """SELECT a.id FROM account_account a
                     JOIN account_account_res_company_rel r ON r.account_account_id = a.id
                    WHERE r.res_company_id = %s AND a.account_type = 'asset_receivable'
                      AND a.reconcile ORDER BY a.id LIMIT 1""",
                [company.id],
            )
            receivable = env["account.account"].browse(cr.fetchone()[0])
        rows.append(
            (len(rows), company.id, company.currency_id.id, sale.id, sale.code,
             sale.default_account_id.id, bank.id, bank.code, bank.default_account_id.id,
             receivable.id)
        )
        if len(rows) == 2:
            break
    if len(rows) < 2:
        raise SystemExit("the benchmark needs two companies with a chart of accounts")
    return rows


def generate(env, scale, today, seed):
    cr = env.cr
    n_customers = max(int(round(20000 * scale)), 10)
    n_invoices = max(int(round(200000 * scale)), 100)
    timings = {}
    t0 = time.monotonic()

    companies = bench_companies(env)
    cr.execute(
        """CREATE TEMP TABLE g_co (cidx int, company_id int, currency_id int, sale_journal int,
               sale_code varchar, income_account int, bank_journal int, bank_code varchar,
               bank_account int, recv_account int) ON COMMIT DROP"""
    )
    cr.executemany("INSERT INTO g_co VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", companies)
    cr.execute("SELECT setseed(%s)", [seed])

    # Customers -----------------------------------------------------------------------
    n_special = len(SPECIAL_COUNTS)
    pbase = reserve(cr, "res_partner", n_customers + n_special)
    # Payment behaviour per customer: 70 % pay on time (3 % of their invoices end up
    # overdue), 20 % are slow (15 %), 10 % are bad payers (50 %).
    cr.execute(
        """
        CREATE TEMP TABLE g_cust ON COMMIT DROP AS
        SELECT %(pbase)s + s - 1 AS id,
               CASE WHEN s > %(n)s THEN 'Bench ' || (%(special)s::int[])[s - %(n)s] || ' invoices'
                    ELSE 'Клиент ' || lpad(s::text, 6, '0') END AS name,
               CASE WHEN s > %(n)s THEN 0.0
                    ELSE (SELECT CASE WHEN r < 0.7 THEN 0.03 WHEN r < 0.9 THEN 0.15 ELSE 0.5 END
                            FROM (SELECT random() + s * 0 AS r) x) END AS p_over
          FROM generate_series(1, %(total)s) s
        """,
        {"pbase": pbase, "n": n_customers, "total": n_customers + n_special,
         "special": list(SPECIAL_COUNTS)},
    )
    cr.execute(
        """
        INSERT INTO res_partner (id, name, complete_name, commercial_company_name, type, active,
               is_company, customer_rank, supplier_rank, lang, commercial_partner_id, ref, email,
               partner_share, autopost_bills, create_uid, write_uid, create_date, write_date)
        SELECT id, name, name, name, 'contact', true, true, 1, 0, 'ru_RU', id,
               'BENCH-' || (id - %(pbase)s + 1), 'client' || (id - %(pbase)s + 1) || '@bench.example',
               true, 'ask', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM g_cust
        """,
        {"pbase": pbase},
    )
    timings["customers"] = time.monotonic() - t0

    # Invoices: who, when, how much, and how they were paid ------------------------------
    t1 = time.monotonic()
    cr.execute(
        """
        CREATE TEMP TABLE g_raw ON COMMIT DROP AS
        SELECT s AS n,
               -- A skewed choice: fleet customers have many invoices, walk-ins a few.
               %(pbase)s + LEAST(floor(%(n)s * power(random(), 1.6))::int, %(n)s - 1) AS partner_id,
               (random() < 0.5)::int AS cidx,
               (%(today)s::date - 1 - floor(random() * %(days)s)::int) AS inv_date,
               (ARRAY[0, 10, 30, 30, 30])[1 + floor(random() * 5)::int] AS term,
               round((300 + 40000 * power(random(), 3) + 2000 * random())::numeric, 2) AS amount,
               random() AS r_pay, random() AS r_part, random() AS r_when
          FROM generate_series(1, %(m)s) s
        """,
        {"pbase": pbase, "n": n_customers, "m": n_invoices, "today": today, "days": HISTORY_DAYS},
    )
    offset = n_invoices
    for i, count in enumerate(SPECIAL_COUNTS):
        cr.execute(
            """
            INSERT INTO g_raw
            SELECT %(off)s + s, %(pid)s, 0,
                   (%(today)s::date - 1 - floor(random() * %(days)s)::int),
                   30, round((300 + 20000 * random())::numeric, 2), random(), random(), random()
              FROM generate_series(1, %(c)s) s
            """,
            {"off": offset, "pid": pbase + n_customers + i, "today": today,
             "days": HISTORY_DAYS, "c": count},
        )
        offset += count
    n_total = offset
    cr.execute(
        """
        CREATE TEMP TABLE g_inv ON COMMIT DROP AS
        SELECT r.n, r.partner_id, r.cidx, r.inv_date, r.inv_date + r.term AS due, r.amount,
               CASE
                 WHEN r.inv_date + r.term >= %(today)s::date
                   THEN CASE WHEN r.r_pay < 0.4 THEN r.amount ELSE 0 END
                 WHEN r.r_pay < c.p_over
                   THEN CASE WHEN r.r_part < 0.35
                             THEN round(r.amount * (0.2 + 0.6 * r.r_when)::numeric, 2)
                             ELSE 0 END
                 ELSE r.amount
               END AS paid,
               LEAST(%(today)s::date - 1, r.inv_date + floor(r.r_when * (r.term + 20))::int) AS pay_date,
               (row_number() OVER (ORDER BY r.inv_date, r.n) - 1)::int AS k,
               (row_number() OVER (PARTITION BY r.cidx, extract(year FROM r.inv_date)
                                   ORDER BY r.inv_date, r.n))::int AS seqn,
               c.name AS partner_name
          FROM g_raw r JOIN g_cust c ON c.id = r.partner_id
        """,
        {"today": today},
    )
    cr.execute("ALTER TABLE g_inv ADD COLUMN full_id int, ADD COLUMN j int, ADD COLUMN pseqn int")
    cr.execute(
        """
        UPDATE g_inv g SET j = x.j, pseqn = x.pseqn
          FROM (SELECT k, (row_number() OVER (ORDER BY pay_date, k) - 1)::int AS j,
                       (row_number() OVER (PARTITION BY cidx, extract(year FROM pay_date)
                                           ORDER BY pay_date, k))::int AS pseqn
                  FROM g_inv WHERE paid > 0) x
         WHERE g.k = x.k
        """
    )
    cr.execute("SELECT COUNT(*) FILTER (WHERE paid > 0), COUNT(*) FILTER (WHERE paid = amount) FROM g_inv")
    n_pay, n_full = cr.fetchone()
    mbase = reserve(cr, "account_move", n_total + n_pay)
    lbase = reserve(cr, "account_move_line", 2 * (n_total + n_pay))
    prbase = reserve(cr, "account_partial_reconcile", n_pay)
    frbase = reserve(cr, "account_full_reconcile", n_full)
    cr.execute(
        """
        UPDATE g_inv g SET full_id = %(fr)s + x.f - 1
          FROM (SELECT k, row_number() OVER (ORDER BY k) AS f FROM g_inv WHERE paid = amount) x
         WHERE g.k = x.k
        """,
        {"fr": frbase},
    )
    cr.execute("CREATE INDEX ON g_inv (k)")
    cr.execute("ANALYZE g_inv")

    # Names continue the journals' own numbering (prefix JOURNAL/YEAR/), so that invoices
    # created later by the ORM get the next number.
    cr.execute(
        """
        CREATE TEMP TABLE g_seq ON COMMIT DROP AS
        SELECT journal_id, sequence_prefix, MAX(sequence_number) AS last
          FROM account_move WHERE journal_id IN (SELECT sale_journal FROM g_co UNION SELECT bank_journal FROM g_co)
         GROUP BY 1, 2
        """
    )
    name_sql = """{prefix} || CASE WHEN {num} < 100000 THEN lpad(({num})::text, 5, '0') ELSE ({num})::text END"""
    inv_prefix = "co.sale_code || '/' || extract(year FROM g.inv_date)::int || '/'"
    inv_num = "g.seqn + COALESCE(sq.last, 0)"
    pay_prefix = "co.bank_code || '/' || extract(year FROM g.pay_date)::int || '/'"
    pay_num = "g.pseqn + COALESCE(sq.last, 0)"
    cr.execute(
        f"""
        CREATE TEMP TABLE g_names ON COMMIT DROP AS
        SELECT g.k, {inv_prefix} AS inv_prefix, {inv_num} AS inv_number,
               {name_sql.format(prefix=inv_prefix, num=inv_num)} AS inv_name
          FROM g_inv g JOIN g_co co ON co.cidx = g.cidx
          LEFT JOIN g_seq sq ON sq.journal_id = co.sale_journal AND sq.sequence_prefix = {inv_prefix}
        """
    )
    cr.execute(
        f"""
        CREATE TEMP TABLE g_pnames ON COMMIT DROP AS
        SELECT g.k, {pay_prefix} AS pay_prefix, {pay_num} AS pay_number,
               {name_sql.format(prefix=pay_prefix, num=pay_num)} AS pay_name
          FROM g_inv g JOIN g_co co ON co.cidx = g.cidx
          LEFT JOIN g_seq sq ON sq.journal_id = co.bank_journal AND sq.sequence_prefix = {pay_prefix}
         WHERE g.paid > 0
        """
    )
    cr.execute("CREATE INDEX ON g_names (k); CREATE INDEX ON g_pnames (k)")
    timings["plan"] = time.monotonic() - t1

    # Rows ------------------------------------------------------------------------------
    t2 = time.monotonic()
    cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
    index_defs = drop_indexes(cr)
    # The rows are consistent by construction: skip the per-row foreign-key triggers
    # (session_replication_role needs a superuser, which the local role is).
    cr.execute("SET LOCAL session_replication_role = replica")
    params = {"mbase": mbase, "lbase": lbase, "prbase": prbase, "ntot": n_total}
    common = "1, 1, now() at time zone 'UTC', now() at time zone 'UTC'"
    cr.execute(
        f"""
        INSERT INTO account_move (id, name, sequence_prefix, sequence_number, journal_id, company_id,
               currency_id, partner_id, commercial_partner_id, partner_shipping_id, state, move_type,
               auto_post, date, invoice_date, invoice_date_due, delivery_date, payment_reference,
               payment_state, invoice_currency_rate, amount_untaxed, amount_tax, amount_total,
               amount_residual, amount_untaxed_signed, amount_untaxed_in_currency_signed,
               amount_tax_signed, amount_total_signed, amount_total_in_currency_signed,
               amount_residual_signed, is_storno, always_tax_exigible, checked, posted_before,
               made_sequence_gap, is_manually_modified, invoice_partner_display_name,
               invoice_user_id, create_uid, write_uid, create_date, write_date)
        SELECT %(mbase)s + g.k, nm.inv_name, nm.inv_prefix, nm.inv_number, co.sale_journal,
               co.company_id, co.currency_id, g.partner_id, g.partner_id, g.partner_id, 'posted',
               'out_invoice', 'no', g.inv_date, g.inv_date, g.due, g.inv_date, nm.inv_name,
               CASE WHEN g.paid = g.amount THEN 'paid' WHEN g.paid > 0 THEN 'partial' ELSE 'not_paid' END,
               1.0, g.amount, 0, g.amount, g.amount - g.paid, g.amount, g.amount, 0, g.amount,
               g.amount, g.amount - g.paid, false, false, true, true, false, false, g.partner_name,
               1, {common}
          FROM g_inv g JOIN g_co co ON co.cidx = g.cidx JOIN g_names nm ON nm.k = g.k
        """,
        params,
    )
    cr.execute(
        f"""
        INSERT INTO account_move (id, name, sequence_prefix, sequence_number, journal_id, company_id,
               currency_id, partner_id, commercial_partner_id, state, move_type, auto_post, date,
               ref, payment_state, invoice_currency_rate, amount_untaxed, amount_tax, amount_total,
               amount_residual, amount_untaxed_signed, amount_untaxed_in_currency_signed,
               amount_tax_signed, amount_total_signed, amount_total_in_currency_signed,
               amount_residual_signed, is_storno, always_tax_exigible, checked, posted_before,
               made_sequence_gap, is_manually_modified, create_uid, write_uid, create_date, write_date)
        SELECT %(mbase)s + %(ntot)s + g.j, pn.pay_name, pn.pay_prefix, pn.pay_number, co.bank_journal,
               co.company_id, co.currency_id, g.partner_id, g.partner_id, 'posted', 'entry', 'no',
               g.pay_date, nm.inv_name, 'not_paid', 1.0, g.paid, 0, g.paid, 0, g.paid, g.paid, 0,
               g.paid, g.paid, 0, false, false, true, true, false, false, {common}
          FROM g_inv g JOIN g_co co ON co.cidx = g.cidx JOIN g_names nm ON nm.k = g.k
          JOIN g_pnames pn ON pn.k = g.k
         WHERE g.paid > 0
        """,
        params,
    )
    timings["moves"] = time.monotonic() - t2
    t3 = time.monotonic()
    cr.execute(
        f"""
        INSERT INTO account_full_reconcile (id, create_uid, write_uid, create_date, write_date)
        SELECT full_id, {common} FROM g_inv WHERE full_id IS NOT NULL
        """
    )
    line_cols = """(id, move_id, journal_id, company_id, company_currency_id, currency_id, sequence,
               account_id, partner_id, move_name, parent_state, name, display_type, date,
               invoice_date, date_maturity, debit, credit, balance, amount_currency,
               amount_residual, amount_residual_currency, reconciled, full_reconcile_id,
               matching_number, quantity, price_unit, price_subtotal, price_total, discount,
               tax_tag_invert, create_uid, write_uid, create_date, write_date)"""
    # Journal items carry the time they were last written as they would in a shop's
    # database: posted on the invoice date, the receivable line written again when paid,
    # the payment's lines on the payment date (what changed since the last daily run is
    # found by these stamps).
    stamp_inv = "1, 1, g.inv_date::timestamp, g.inv_date::timestamp"
    stamp_paid = ("1, 1, g.inv_date::timestamp, "
                  "CASE WHEN g.paid > 0 THEN GREATEST(g.inv_date, g.pay_date) ELSE g.inv_date END::timestamp")
    stamp_pay = "1, 1, g.pay_date::timestamp, g.pay_date::timestamp"
    match = """CASE WHEN g.full_id IS NOT NULL THEN g.full_id::text
                    WHEN g.paid > 0 THEN 'P' || (%(prbase)s + g.j) END"""
    cr.execute(
        f"""
        INSERT INTO account_move_line {line_cols}
        SELECT %(lbase)s + 2 * g.k, %(mbase)s + g.k, co.sale_journal, co.company_id, co.currency_id,
               co.currency_id, 10, co.income_account, g.partner_id, nm.inv_name, 'posted',
               'Ремонтные работы', 'product', g.inv_date, g.inv_date, NULL, 0, g.amount, -g.amount,
               -g.amount, 0, 0, false, NULL, NULL, 1, g.amount, g.amount, g.amount, 0, true,
               {stamp_inv}
          FROM g_inv g JOIN g_co co ON co.cidx = g.cidx JOIN g_names nm ON nm.k = g.k
        UNION ALL
        SELECT %(lbase)s + 2 * g.k + 1, %(mbase)s + g.k, co.sale_journal, co.company_id,
               co.currency_id, co.currency_id, 20, co.recv_account, g.partner_id, nm.inv_name,
               'posted', nm.inv_name, 'payment_term', g.inv_date, g.inv_date, g.due, g.amount, 0,
               g.amount, g.amount, g.amount - g.paid, g.amount - g.paid, g.paid = g.amount,
               g.full_id, {match}, 0, 0, 0, 0, 0, false, {stamp_paid}
          FROM g_inv g JOIN g_co co ON co.cidx = g.cidx JOIN g_names nm ON nm.k = g.k
        """,
        params,
    )
    cr.execute(
        f"""
        INSERT INTO account_move_line {line_cols}
        SELECT %(lbase)s + 2 * (%(ntot)s + g.j), %(mbase)s + %(ntot)s + g.j, co.bank_journal,
               co.company_id, co.currency_id, co.currency_id, 10, co.bank_account, g.partner_id,
               pn.pay_name, 'posted', 'Оплата ' || nm.inv_name, 'product', g.pay_date, NULL::date, g.pay_date,
               g.paid, 0, g.paid, g.paid, g.paid, g.paid, false, NULL, NULL, 0, 0, 0, 0, 0, false,
               {stamp_pay}
          FROM g_inv g JOIN g_co co ON co.cidx = g.cidx JOIN g_names nm ON nm.k = g.k
          JOIN g_pnames pn ON pn.k = g.k
         WHERE g.paid > 0
        UNION ALL
        SELECT %(lbase)s + 2 * (%(ntot)s + g.j) + 1, %(mbase)s + %(ntot)s + g.j, co.bank_journal,
               co.company_id, co.currency_id, co.currency_id, 20, co.recv_account, g.partner_id,
               pn.pay_name, 'posted', 'Оплата ' || nm.inv_name, 'product', g.pay_date, NULL::date, g.pay_date,
               0, g.paid, -g.paid, -g.paid, 0, 0, true, g.full_id, {match}, 0, 0, 0, 0, 0, false,
               {stamp_pay}
          FROM g_inv g JOIN g_co co ON co.cidx = g.cidx JOIN g_names nm ON nm.k = g.k
          JOIN g_pnames pn ON pn.k = g.k
         WHERE g.paid > 0
        """,
        params,
    )
    timings["lines"] = time.monotonic() - t3
    t4 = time.monotonic()
    cr.execute(
        f"""
        INSERT INTO account_partial_reconcile (id, debit_move_id, credit_move_id, full_reconcile_id,
               debit_currency_id, credit_currency_id, company_id, max_date, amount,
               debit_amount_currency, credit_amount_currency, create_uid, write_uid, create_date,
               write_date)
        SELECT %(prbase)s + g.j, %(lbase)s + 2 * g.k + 1, %(lbase)s + 2 * (%(ntot)s + g.j) + 1,
               g.full_id, co.currency_id, co.currency_id, co.company_id,
               GREATEST(g.inv_date, g.pay_date), g.paid, g.paid, g.paid, {common}
          FROM g_inv g JOIN g_co co ON co.cidx = g.cidx
         WHERE g.paid > 0
        """,
        params,
    )
    cr.execute("SET LOCAL session_replication_role = origin")
    timings["reconciliations"] = time.monotonic() - t4
    t5 = time.monotonic()
    create_indexes(cr, index_defs)
    timings["indexes"] = time.monotonic() - t5
    # Without statistics the planner guesses (autovacuum may be off): a single customer's
    # position then scans every open line of the company instead of the customer's.
    t6 = time.monotonic()
    for table in BULK_TABLES:
        cr.execute(f"ANALYZE {table}")
    timings["analyze"] = time.monotonic() - t6

    cr.execute(
        """SELECT COUNT(*) FILTER (WHERE due < %(today)s::date AND paid < amount),
                  COUNT(*) FILTER (WHERE due < %(today)s::date AND paid < amount AND paid > 0),
                  COUNT(DISTINCT partner_id) FILTER (WHERE due < %(today)s::date AND paid < amount)
             FROM g_inv""",
        {"today": today},
    )
    overdue, partial, overdue_customers = cr.fetchone()
    stats = {
        "scale": scale,
        "today": str(today),
        "customers": n_customers + n_special,
        "invoices": n_total,
        "payments": n_pay,
        "fully_paid": n_full,
        "overdue_invoices": overdue,
        "overdue_partly_paid": partial,
        "overdue_customers": overdue_customers,
        "companies": [row[1] for row in companies],
        "special_partners": {
            str(count): pbase + n_customers + i for i, count in enumerate(SPECIAL_COUNTS)
        },
        "partner_id_range": [pbase, pbase + n_customers + n_special - 1],
    }
    return stats, timings


def setup_oca(env, stats):
    """Configure OCA's modules the way a user would, on the same data: a 3-level reminder
    policy per company on its receivable account, and a credit limit with open and unpaid
    invoices counted in the risk of every generated customer."""
    cr = env.cr
    installed = set(
        env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")
    )
    done = []
    if "account_credit_control" in installed:
        template = env.ref("account_credit_control.email_template_credit_control_base")
        for company in env["res.company"].browse(stats["companies"]):
            receivable = env["res.partner"].with_company(company).new({}).property_account_receivable_id
            levels = [
                (1, "net_days", 10, "email"),
                (2, "end_of_month", 30, "email"),
                (3, "previous_date", 10, "letter"),
            ]
            policy = env["credit.control.policy"].create({
                "name": f"Bench 3 levels ({company.name})",
                "company_id": company.id,
                "account_ids": [(6, 0, receivable.ids)],
                "level_ids": [
                    (0, 0, {
                        "name": f"Reminder {level}", "level": level,
                        "computation_mode": mode, "delay_days": delay, "channel": channel,
                        "email_template_id": template.id,
                        "custom_text": "Please pay.", "custom_mail_text": "<p>Please pay.</p>",
                    })
                    for level, mode, delay, channel in levels
                ],
            })
            company.credit_policy_id = policy
        done.append("account_credit_control")
    if "account_financial_risk" in installed:
        limits = json.dumps({str(cid): 1000000.0 for cid in stats["companies"]})
        extra = ", risk_sale_order_include = true" if "sale_financial_risk" in installed else ""
        cr.execute(
            f"""UPDATE res_partner SET credit_limit = %s::jsonb, risk_invoice_open_include = true,
                       risk_invoice_unpaid_include = true {extra}
                 WHERE id BETWEEN %s AND %s""",
            [limits, *stats["partner_id_range"]],
        )
        done.append("account_financial_risk")
    return done


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--today", default=None)
    parser.add_argument("--seed", type=float, default=0.42)
    args = parser.parse_args()
    registry = boot(args.config, args.database)
    today = date.fromisoformat(args.today) if args.today else date.today()
    with environment(registry) as env:
        env.cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [MARKER])
        row = env.cr.fetchone()
        if row:
            log(f"[generate] data already generated in {args.database}: reusing it")
            print(row[0])
            return
        started = time.monotonic()
        stats, timings = generate(env, args.scale, today, args.seed)
        stats["oca_configured"] = setup_oca(env, stats)
        stats["generation_seconds"] = round(time.monotonic() - started, 1)
        stats["generation_steps"] = {k: round(v, 1) for k, v in timings.items()}
        env["ir.config_parameter"].set_param(MARKER, json.dumps(stats))
        env.cr.commit()
        log(
            "[generate] {invoices} invoices, {payments} payments, {customers} customers, "
            "{overdue_invoices} overdue ({overdue_partly_paid} partly paid, {overdue_customers} "
            "customers) in {generation_seconds} s".format(**stats)
        )
        print(json.dumps(stats))


if __name__ == "__main__":
    main()
