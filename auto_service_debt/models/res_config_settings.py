from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_max_overdue_days = fields.Integer(
        related="company_id.debt_max_overdue_days", readonly=False
    )
    debt_max_overdue_amount = fields.Monetary(
        related="company_id.debt_max_overdue_amount",
        readonly=False,
        currency_field="currency_id",
    )
    debt_prepayment_percent = fields.Float(
        related="company_id.debt_prepayment_percent", readonly=False
    )
    debt_block_repair = fields.Boolean(
        related="company_id.debt_block_repair", readonly=False
    )
    debt_batch_size = fields.Integer(related="company_id.debt_batch_size", readonly=False)
