"""What was invoiced or waived of a due line's penalty, so that no day is ever charged twice."""

from odoo import fields, models


class DebtPenaltySettlement(models.Model):
    """Days and amounts of a due line's penalty that were invoiced or waived. Invoiced
    days are closed for good: a unique key forbids closing the same date twice."""

    _name = "debt.penalty.settlement"
    _description = "Invoiced or Waived Penalty"
    _order = "date_to desc, id desc"

    penalty_id = fields.Many2one("debt.penalty", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="penalty_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="penalty_id.partner_id", store=True)
    currency_id = fields.Many2one(related="penalty_id.currency_id")
    kind = fields.Selection(
        [("invoice", "Invoiced"), ("waiver", "Waived")], required=True
    )
    closes_period = fields.Boolean(
        help="The days up to 'To' are settled; accrual continues after them."
    )
    date_from = fields.Date(string="From")
    date_to = fields.Date(string="To", required=True)
    amount = fields.Monetary(required=True)
    invoice_id = fields.Many2one("account.move", string="Penalty Invoice", ondelete="cascade", index=True)
    reason = fields.Text()
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A settled penalty amount must be positive."),
    ]

    def init(self):
        # Never twice: one closing of a due line's penalty per date.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS debt_penalty_settlement_close_uniq
                ON debt_penalty_settlement (penalty_id, date_to) WHERE closes_period
            """
        )
