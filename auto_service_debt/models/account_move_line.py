"""Due lines: the invoice states stored on them and the live penalty of due lines
(breakdown for claims, totals per customer)."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, create_index


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # The invoice's states, stored on its lines so that the position sums a customer's
    # open lines without joining their invoices (the live check at confirmation plans
    # faster without that join).
    debt_in_plan = fields.Boolean(related="move_id.debt_in_plan", store=True)
    debt_disputed = fields.Boolean(related="move_id.debt_disputed", store=True)
    # shown on the follow-up screen (the case's open items), computed for the lines shown
    debt_days_late = fields.Integer(string="Days Late", compute="_compute_debt_follow_up")
    debt_penalty_open = fields.Monetary(
        string="Penalty or Interest", compute="_compute_debt_follow_up",
        currency_field="company_currency_id",
        help="Accrued, not yet invoiced or waived contractual penalty or art. 395 interest.",
    )

    def _auto_init(self):
        self._debt_init_line_flags()
        return super()._auto_init()

    def init(self):
        super().init()
        # A customer's paid debit items by due date: the score of a batch of customers
        # reads theirs through it rather than the company's whole paid history; open items have Odoo's index of unreconciled
        # items (account, partner).
        create_index(
            self.env.cr, "account_move_line_debt_paid_idx", self._table,
            ["partner_id", "account_id", "date_maturity"],
            where="parent_state = 'posted' AND balance > 0 AND reconciled IS TRUE",
        )

    def _debt_init_line_flags(self):
        """Create and fill ``debt_in_plan``/``debt_disputed`` by SQL when the addon is
        installed on a database with journal items (the ORM would compute them for every
        item): only invoices in a plan or disputed have a value to copy."""
        cr = self.env.cr
        if column_exists(cr, self._table, "debt_in_plan"):
            return
        create_column(cr, self._table, "debt_in_plan", "bool")
        create_column(cr, self._table, "debt_disputed", "bool")
        if column_exists(cr, "account_move", "debt_in_plan"):
            cr.execute(SQL(
                """
                UPDATE account_move_line aml
                   SET debt_in_plan = move.debt_in_plan, debt_disputed = move.debt_disputed
                  FROM account_move move
                 WHERE move.id = aml.move_id AND (move.debt_in_plan OR move.debt_disputed)
                """
            ))

    @api.model
    def _debt_penalty_breakdown(self, lines, date, provisional_ok=False):
        """Live penalty of due ``lines`` at ``date`` (the days not yet invoiced or waived).

        Return ``{line_id: {"kind", "periods", "total", "provisional", "subtotal", "cap",
        "settled_to", "policy"}}`` where periods are dicts with date_from, date_to, days,
        base, rate, days_in_year, amount. Lines without penalty (not overdue, no policy,
        a penalty invoice) are left out. A day past the known key rates raises a
        UserError naming the missing period, unless ``provisional_ok``: then the figures
        stop at the known date with ``provisional`` set.
        """
        if isinstance(date, str):
            date = fields.Date.to_date(date)
        Penalty = self.env["debt.penalty"]
        result = {}
        by_company = defaultdict(list)
        for line in lines:
            by_company[line.company_id].append(line.id)
        for company, line_ids in by_company.items():
            gathered = Penalty._debt_gather(company, line_ids=line_ids, today=date)
            computed = Penalty._debt_compute(company, date, *gathered, strict=not provisional_ok)
            for line_id, vals in computed.items():
                if not vals or not vals["result"]:
                    continue
                data = vals["breakdown"]
                result[line_id] = {
                    "kind": vals["kind"],
                    "policy": vals["policy_id"],
                    "periods": [
                        dict(p, date_from=fields.Date.to_date(p["date_from"]),
                             date_to=fields.Date.to_date(p["date_to"]))
                        for p in data["periods"]
                    ],
                    "subtotal": data["subtotal"],
                    "cap": data["cap"],
                    "total": vals["amount_open"],
                    "waived": vals["amount_waived_open"],
                    "settled_to": vals["settled_to"],
                    "provisional": vals["provisional"],
                }
        return result

    @api.model
    def _debt_penalty_partner_totals(self, partners, company, date, provisional_ok=False):
        """Live ``{commercial_partner_id: penalty total}`` at ``date`` over the
        customers' overdue due lines and their paid lines with an unsettled penalty."""
        Penalty = self.env["debt.penalty"]
        partner_ids = list(set(partners.commercial_partner_id.ids))
        totals = dict.fromkeys(partner_ids, 0.0)
        gathered = Penalty._debt_gather(company, partner_ids=partner_ids, today=date)
        computed = Penalty._debt_compute(company, date, *gathered, strict=not provisional_ok)
        for vals in computed.values():
            if vals:
                totals[vals["partner_id"]] += vals["amount_open"]
        return {pid: company.currency_id.round(total) for pid, total in totals.items()}

    @api.model
    def _debt_penalty_accrued_totals(self, partners, company):
        """Stored ``{commercial_partner_id: amount to invoice}`` as of the last daily run."""
        groups = self.env["debt.penalty"]._read_group(
            [("company_id", "=", company.id),
             ("partner_id", "in", partners.commercial_partner_id.ids)],
            ["partner_id"], ["amount_open:sum"],
        )
        return {partner.id: total for partner, total in groups}

    def _compute_debt_follow_up(self):
        today = fields.Date.context_today(self)
        penalties = self.env["debt.collection.case"]._debt_penalties_by_line(self)
        for line in self:
            due = line.date_maturity
            line.debt_days_late = max((today - due).days, 0) if due and line.amount_residual > 0 else 0
            line.debt_penalty_open = penalties.get(line.id, 0.0)

