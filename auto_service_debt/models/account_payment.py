from odoo import fields, models


class AccountPayment(models.Model):
    """Customer payments may be registered as the prepayment of a quotation."""

    _inherit = "account.payment"

    debt_sale_order_id = fields.Many2one(
        "sale.order",
        string="Prepayment for Order",
        index="btree_not_null",
        copy=False,
        check_company=True,
        domain="[('partner_id.commercial_partner_id', '=', partner_id), ('state', 'in', ('draft', 'sent'))]",
        help="The quotation this payment is a prepayment of: it counts towards the "
        "prepayment required before the order can be confirmed.",
    )
