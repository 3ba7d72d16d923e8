"""Penalty entry points on due lines (daily step, live breakdown for claims) and the
penalty tab of invoices."""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

DEBT_USER = "auto_service_debt.group_debt_user"


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # The invoice's states, stored on its lines so that the position sums a customer's
    # open lines without joining their invoices (the live check at confirmation plans
    # faster without that join).
    debt_in_plan = fields.Boolean(related="move_id.debt_in_plan", store=True)
    debt_disputed = fields.Boolean(related="move_id.debt_disputed", store=True)

    def _auto_init(self):
        self._debt_init_line_flags()
        return super()._auto_init()

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
    def _debt_daily_candidates(self, company, today, code):
        """Customers with open receivables, plus those whose paid debts still carry a
        penalty that is neither invoiced nor waived."""
        partner_ids = set(self.env["debt.daily.run"]._open_receivable_partner_ids(company))
        if code == "penalties":
            self.env["debt.penalty"].flush_model(["company_id", "state", "partner_id"])
            self.env.cr.execute(SQL(
                "SELECT DISTINCT partner_id FROM debt_penalty WHERE company_id = %s AND state != 'done'",
                company.id,
            ))
            partner_ids.update(row[0] for row in self.env.cr.fetchall())
        return sorted(partner_ids)

    @api.model
    def _debt_daily_accrue(self, partners, company, today):
        """Daily-run step: recompute the penalties of these customers from scratch."""
        self.env["debt.penalty"]._debt_accrue(company, today, partner_ids=partners.ids)

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


class AccountMove(models.Model):
    _inherit = "account.move"

    debt_penalty_invoice = fields.Boolean(
        string="Penalty Invoice", copy=False, readonly=True, index=True,
        help="This invoice charges penalties or interest; it bears no penalty itself.",
    )
    debt_penalty_ids = fields.One2many(
        "debt.penalty", "move_id", string="Penalties", groups=DEBT_USER
    )
    debt_penalty_open = fields.Monetary(
        string="Penalty to Invoice", compute="_compute_debt_penalty",
        currency_field="company_currency_id", groups=DEBT_USER,
    )
    debt_penalty_provisional = fields.Boolean(
        string="Penalty Provisional", compute="_compute_debt_penalty", groups=DEBT_USER
    )
    debt_penalty_breakdown_html = fields.Html(
        string="Penalty Calculation", compute="_compute_debt_penalty", sanitize=False,
        groups=DEBT_USER,
    )

    @api.depends("debt_penalty_ids.amount_open", "debt_penalty_ids.breakdown")
    def _compute_debt_penalty(self):
        for move in self:
            penalties = move.debt_penalty_ids
            move.debt_penalty_open = sum(penalties.mapped("amount_open"))
            move.debt_penalty_provisional = any(penalties.mapped("provisional"))
            parts = []
            for pen in penalties:
                table = pen._debt_breakdown_table()
                if not table:
                    continue
                if len(penalties) > 1:
                    parts.append(Markup("<h5>%s</h5>") % self.env._(
                        "Due %(date)s", date=fields.Date.to_string(pen.date_maturity)
                    ))
                parts.append(table)
            move.debt_penalty_breakdown_html = Markup("").join(parts) if parts else False

    def button_cancel(self):
        res = super().button_cancel()
        self._debt_penalty_release()
        return res

    def _debt_penalty_release(self):
        """A cancelled penalty invoice gives its days back to the accrual."""
        settlements = self.env["debt.penalty.settlement"].sudo().search([
            ("invoice_id", "in", self.filtered("debt_penalty_invoice").ids),
        ])
        if not settlements:
            return
        penalties = settlements.penalty_id
        for move in settlements.invoice_id:
            move._message_log(body=self.env._(
                "Penalty invoice cancelled: its days will be accrued again by the next daily run."
            ))
        settlements.unlink()
        penalties.write({"state": "running"})

    def action_debt_open_penalties(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "auto_service_debt.action_debt_penalty"
        )
        action["domain"] = [("move_id", "in", self.ids)]
        action["context"] = {}
        return action
