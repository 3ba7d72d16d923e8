"""Aging of customer debt per customer and company, as a SQL view over the same due
lines the debt position reads."""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.debt_position import DUE_LINES_FROM, due_lines_where, overdue_where


class DebtAgingReport(models.Model):
    """Open receivables by age bucket, one row per customer and company. The buckets are
    the position's overdue (lines under a live plan and unapplied credits apart), so
    that ``not_due + overdue + in_plan + credits = total`` and every total is the
    position's."""

    _name = "debt.aging.report"
    _description = "Debt Aging Report"
    _auto = False
    _order = "total desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    not_due = fields.Monetary(string="Not Due", readonly=True)
    days_1_30 = fields.Monetary(string="1-30 Days", readonly=True)
    days_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    days_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    days_90_plus = fields.Monetary(string="Over 90 Days", readonly=True)
    overdue = fields.Monetary(readonly=True, help="Overdue and not under a plan: what blocks and is dunned.")
    in_plan = fields.Monetary(
        string="Under a Plan", readonly=True,
        help="Invoices covered by a live installment plan: due by the plan's schedule, not overdue.",
    )
    disputed = fields.Monetary(
        string="Of Which Disputed", readonly=True,
        help="Part of the amounts above on invoices the customer disputes.",
    )
    credits = fields.Monetary(
        string="Unapplied Credits", readonly=True,
        help="Payments and credit notes not yet matched with an invoice (negative).",
    )
    total = fields.Monetary(readonly=True)
    penalty = fields.Monetary(string="Penalties Accrued", readonly=True)
    oldest_due_date = fields.Date(string="Oldest Due Date", readonly=True)
    max_days_late = fields.Integer(string="Days Late", readonly=True)
    line_count = fields.Integer(string="Open Items", readonly=True)

    #: Columns of a row read by :meth:`_debt_aging_rows`.
    AMOUNTS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_90_plus", "overdue",
               "in_plan", "disputed", "credits", "total", "penalty")

    @api.model
    def _aging_query(self, today=None, company_id=None, partner_ids=None, account_ids=None):
        """The rows at ``today`` (the database's date in the view), from the open due
        lines and the overdue condition of ``debt.position``."""
        today = today or SQL("CURRENT_DATE")
        overdue = overdue_where(today)
        age = SQL("(%s - aml.date_maturity)", today)
        in_plan = SQL("aml.debt_in_plan IS TRUE")
        credit = SQL("aml.amount_residual < 0 AND aml.debt_in_plan IS NOT TRUE")
        not_due = SQL("aml.amount_residual > 0 AND aml.debt_in_plan IS NOT TRUE AND NOT (%s)",
                      SQL("COALESCE(aml.date_maturity < %s, FALSE)", today))
        return SQL(
            """
            SELECT MIN(aml.id) AS id,
                   rp.commercial_partner_id AS partner_id,
                   aml.company_id,
                   company.currency_id,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(not_due)s), 0) AS not_due,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s AND %(age)s <= 30), 0) AS days_1_30,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s AND %(age)s BETWEEN 31 AND 60), 0)
                       AS days_31_60,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s AND %(age)s BETWEEN 61 AND 90), 0)
                       AS days_61_90,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s AND %(age)s > 90), 0) AS days_90_plus,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s), 0) AS overdue,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(in_plan)s), 0) AS in_plan,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE aml.debt_disputed IS TRUE), 0) AS disputed,
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(credit)s), 0) AS credits,
                   SUM(aml.amount_residual) AS total,
                   COALESCE(SUM(pen.amount), 0) AS penalty,
                   MIN(aml.date_maturity) FILTER (WHERE %(overdue)s) AS oldest_due_date,
                   COALESCE(MAX(%(age)s) FILTER (WHERE %(overdue)s), 0) AS max_days_late,
                   COUNT(*) AS line_count
              FROM %(from)s
              JOIN res_company company ON company.id = aml.company_id
         LEFT JOIN (SELECT move_line_id, SUM(amount_open) AS amount
                      FROM debt_penalty GROUP BY move_line_id) pen ON pen.move_line_id = aml.id
             WHERE %(where)s
          GROUP BY rp.commercial_partner_id, aml.company_id, company.currency_id
            """,
            age=age, overdue=overdue, in_plan=in_plan, credit=credit, not_due=not_due,
            where=due_lines_where(company_id, partner_ids, account_ids),
            **{"from": DUE_LINES_FROM},
        )

    @api.model
    def _debt_aging_rows(self, partner_ids, company, today):
        """``{commercial_partner_id: {column: amount}}`` of the rows of ``partner_ids`` in
        ``company`` at ``today`` (the view computes them at the database's date), rounded
        to the currency as the position."""
        self.env["debt.position"]._flush_position()
        self.env.cr.execute(self._aging_query(
            today, company.id, list(partner_ids),
            self.env["debt.position"]._receivable_account_ids(company),
        ))
        digits = company.currency_id.decimal_places
        result = {}
        for row in self.env.cr.dictfetchall():
            result[row["partner_id"]] = {
                key: round(row[key] or 0.0, digits) for key in self.AMOUNTS
            } | {"oldest_due_date": row["oldest_due_date"], "max_days_late": row["max_days_late"]}
        return result

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._aging_query())
        )

    def action_open_items(self):
        """Drill down to the open due lines behind a row."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Open Items of %(partner)s", partner=self.partner_id.display_name),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "views": [(self.env.ref("account.view_move_line_tree").id, "list"), (False, "form")],
            "domain": self.env["debt.position"]._due_line_domain(self.company_id, self.partner_id),
            "context": {"search_default_group_by_move": 0},
        }
