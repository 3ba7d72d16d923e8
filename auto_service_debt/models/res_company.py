from odoo import fields, models


class ResCompany(models.Model):
    """Company-wide defaults of the debt-control policy."""

    _inherit = "res.company"

    debt_max_overdue_days = fields.Integer(
        string="Allowed Overdue Days",
        default=0,
        help="A customer whose oldest overdue item is older than this many days is "
        "blocked. 0 blocks on any overdue item.",
    )
    debt_max_overdue_amount = fields.Monetary(
        string="Allowed Overdue Amount",
        currency_field="currency_id",
        help="A customer whose overdue amount exceeds this is blocked. 0: any amount.",
    )
    debt_prepayment_percent = fields.Float(
        string="Default Prepayment (%)",
        help="Share of a new order that must be paid before it is confirmed, "
        "for customers without their own terms.",
    )
    debt_block_repair = fields.Boolean(
        string="Block Repair Orders",
        default=True,
        help="Apply the service block when repair orders are confirmed or started.",
    )
    debt_batch_size = fields.Integer(
        string="Daily Run Batch Size",
        default=2000,
        help="Number of customers processed and committed at a time by the daily run.",
    )
