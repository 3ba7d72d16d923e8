"""Items of a claim letter: the unpaid due lines frozen when the claim was issued."""

from odoo import fields, models


class DebtClaimLine(models.Model):
    """One unpaid due line of a claim, frozen when the claim was issued."""

    _name = "debt.claim.line"
    _description = "Claim Letter Item"
    _order = "date_maturity, number, id"

    claim_id = fields.Many2one("debt.claim", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    move_line_id = fields.Many2one("account.move.line", string="Due Line", ondelete="set null")
    move_id = fields.Many2one("account.move", string="Invoice", ondelete="set null")
    number = fields.Char()
    invoice_date = fields.Date()
    date_maturity = fields.Date(string="Due Date")
    amount = fields.Monetary(currency_field="currency_id")
    paid_amount = fields.Monetary(string="Paid", currency_field="currency_id")
    left_amount = fields.Monetary(string="Left to Pay", currency_field="currency_id")
    days_late = fields.Integer()
    penalty_kind = fields.Selection(
        [("contract", "Contractual penalty"), ("key_rate", "Interest (art. 395)")],
    )
    penalty_amount = fields.Monetary(string="Penalty or Interest", currency_field="currency_id")
    penalty_provisional = fields.Boolean(string="Provisional")
    penalty_periods = fields.Json()
