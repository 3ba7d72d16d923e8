"""Customer side of the printed documents: the claim letters of a customer and the
statement of its receivable account over a period, with a running balance and the list
of all items still open."""

from datetime import timedelta

from odoo import api, fields, models

STATEMENT_DAYS = 90


class ResPartner(models.Model):
    """Customers: tax code for letters, their claims and their statement."""

    _inherit = "res.partner"

    debt_kpp = fields.Char(
        string="KPP",
        help="Tax registration reason code (КПП) printed in claim letters next to the INN.",
    )
    debt_claim_ids = fields.One2many("debt.claim", "partner_id", string="Claim Letters")
    debt_claim_count = fields.Integer(compute="_compute_debt_claim_count", string="Claims")

    def _compute_debt_claim_count(self):
        groups = self.env["debt.claim"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.debt_claim_count = counts.get(partner.commercial_partner_id.id, 0)

    def _debt_open_case(self, company):
        return self.env["debt.collection.case"].search([
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", company.id),
            ("state", "=", "open"),
        ], limit=1)

    def action_debt_print_claim(self):
        """Print the claim of the customer's open collection case; without a case,
        reprint the last claim while the same items are overdue, else issue a new one."""
        self.ensure_one()
        company = self.env.company
        partner = self.commercial_partner_id
        case = partner._debt_open_case(company)
        if case:
            return case.action_debt_print_claim()
        Claim = self.env["debt.claim"]
        last = Claim.search([
            ("partner_id", "=", partner.id), ("company_id", "=", company.id),
            ("case_id", "=", False), ("state", "=", "issued"),
        ], limit=1)
        today = fields.Date.context_today(self)
        current = Claim._debt_claim_due_lines(partner, company, today)
        if not last or set(last.line_ids.move_line_id.ids) != set(current.ids):
            last = Claim._debt_issue(partner, company)
        return last.action_print()

    def action_debt_view_claims(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("auto_service_debt.action_debt_claim")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _debt_statement_period(self):
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(self.env.context.get("debt_statement_date_to")) or today
        date_from = fields.Date.to_date(self.env.context.get("debt_statement_date_from")) or (
            date_to - timedelta(days=STATEMENT_DAYS)
        )
        return date_from, date_to

    def _get_debt_statement_values(self, company=None, date_from=None, date_to=None):
        """Statement data per commercial partner: ``{partner_id: dict}``.

        One grouped read for the opening balances and one search for the movements and
        open items of all partners together, whatever their number."""
        company = company or self.env.company
        default_from, default_to = self._debt_statement_period()
        date_from, date_to = date_from or default_from, date_to or default_to
        partners = self.commercial_partner_id
        cur = company.currency_id
        Line = self.env["account.move.line"]
        base = [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("partner_id.commercial_partner_id", "in", partners.ids),
        ]
        # read_group groups by partner_id (a contact may have booked the line): fold
        # the contacts into their commercial partner.
        opening = {}
        for partner, balance in Line._read_group(
            base + [("date", "<", date_from)], ["partner_id"], ["balance:sum"]
        ):
            cp = partner.commercial_partner_id.id
            opening[cp] = opening.get(cp, 0.0) + balance
        lines = Line.search(
            base + ["|", "&", ("date", ">=", date_from), ("date", "<=", date_to),
                    "&", ("reconciled", "=", False), ("amount_residual", "!=", 0)],
            order="date, move_name, id",
        )
        result = {}
        for partner in partners:
            balance = cur.round(opening.get(partner.id, 0.0))
            values = {
                "partner": partner,
                "lang": partner.lang or "en_US",
                "currency": cur.name,
                "date_from": date_from,
                "date_to": date_to,
                "opening": balance,
                "movements": [],
                "open_items": [],
                "debit": 0.0,
                "credit": 0.0,
            }
            result[partner.id] = values
        for line in lines:
            values = result[line.partner_id.commercial_partner_id.id]
            if date_from <= line.date <= date_to:
                debit, credit = cur.round(line.debit), cur.round(line.credit)
                running = cur.round(
                    (values["movements"][-1]["balance"] if values["movements"] else values["opening"])
                    + debit - credit
                )
                values["movements"].append({
                    "date": line.date,
                    "number": line.move_id.name,
                    "kind": self._debt_statement_kind(line),
                    "reference": line.move_id.ref or "",
                    "date_due": line.date_maturity if line.move_id.is_invoice(include_receipts=True) else False,
                    "debit": debit,
                    "credit": credit,
                    "balance": running,
                })
                values["debit"] = cur.round(values["debit"] + debit)
                values["credit"] = cur.round(values["credit"] + credit)
            if not line.reconciled and not cur.is_zero(line.amount_residual):
                due = line.date_maturity or line.date
                values["open_items"].append({
                    "date": line.move_id.invoice_date or line.date,
                    "number": line.move_id.name,
                    "kind": self._debt_statement_kind(line),
                    "date_due": due,
                    "amount": cur.round(line.balance),
                    "left": cur.round(line.amount_residual),
                    "days_late": max((date_to - due).days, 0) if line.amount_residual > 0 else 0,
                })
        for values in result.values():
            values["closing"] = cur.round(values["opening"] + values["debit"] - values["credit"])
            open_items = values["open_items"]
            values["open_items"].sort(key=lambda item: (item["date_due"], item["number"]))
            values["open_total"] = cur.round(sum(i["left"] for i in open_items))
            values["overdue_total"] = cur.round(sum(i["left"] for i in open_items if i["days_late"] > 0))
            values["not_due_total"] = cur.round(values["open_total"] - values["overdue_total"])
        return result

    @api.model
    def _debt_statement_kind(self, line):
        move = line.move_id
        if move.move_type == "out_invoice":
            return "invoice"
        if move.move_type == "out_refund":
            return "credit_note"
        if move.origin_payment_id or move.statement_line_id:
            return "payment"
        return "entry"

    def action_debt_print_statement(self):
        return self.env.ref("auto_service_debt.action_report_customer_statement").report_action(
            self.commercial_partner_id
        )
