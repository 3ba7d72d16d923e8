"""Aging of customer debt per customer and company, as a SQL view over the same due
lines the debt position reads."""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.debt_position import DUE_LINES_FROM, due_lines_where


class DebtAgingReport(models.Model):
    """Open receivables by age bucket, one row per customer and company."""

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
    overdue = fields.Monetary(readonly=True)
    total = fields.Monetary(readonly=True)
    penalty = fields.Monetary(string="Penalties Accrued", readonly=True)
    oldest_due_date = fields.Date(string="Oldest Due Date", readonly=True)
    max_days_late = fields.Integer(string="Days Late", readonly=True)
    line_count = fields.Integer(string="Open Items", readonly=True)

    @api.model
    def _aging_query(self):
        age = SQL("(CURRENT_DATE - aml.date_maturity)")
        return SQL(
            """
            SELECT MIN(aml.id) AS id,
                   rp.commercial_partner_id AS partner_id,
                   aml.company_id,
                   company.currency_id,
                   SUM(aml.amount_residual) FILTER (WHERE %(age)s <= 0) AS not_due,
                   SUM(aml.amount_residual) FILTER (WHERE %(age)s BETWEEN 1 AND 30) AS days_1_30,
                   SUM(aml.amount_residual) FILTER (WHERE %(age)s BETWEEN 31 AND 60) AS days_31_60,
                   SUM(aml.amount_residual) FILTER (WHERE %(age)s BETWEEN 61 AND 90) AS days_61_90,
                   SUM(aml.amount_residual) FILTER (WHERE %(age)s > 90) AS days_90_plus,
                   SUM(aml.amount_residual) FILTER (WHERE %(age)s > 0) AS overdue,
                   SUM(aml.amount_residual) AS total,
                   COALESCE(SUM(pen.amount), 0) AS penalty,
                   MIN(aml.date_maturity) FILTER (WHERE %(age)s > 0
                                                    AND aml.amount_residual > 0) AS oldest_due_date,
                   COALESCE(MAX(%(age)s) FILTER (WHERE aml.amount_residual > 0), 0) AS max_days_late,
                   COUNT(*) AS line_count
              FROM %(from)s
              JOIN res_company company ON company.id = aml.company_id
         LEFT JOIN (SELECT move_line_id, SUM(amount_open) AS amount
                      FROM debt_penalty GROUP BY move_line_id) pen ON pen.move_line_id = aml.id
             WHERE %(where)s
          GROUP BY rp.commercial_partner_id, aml.company_id, company.currency_id
            """,
            age=age,
            where=due_lines_where(None),
            **{"from": DUE_LINES_FROM},
        )

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
            "domain": [
                ("partner_id.commercial_partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ],
            "context": {"search_default_group_by_move": 0},
        }
