from odoo import fields, models


class FleetVehicle(models.Model):
    """Customer cars serviced by the shop, with their legal owner."""

    _inherit = "fleet.vehicle"

    debt_owner_id = fields.Many2one(
        "res.partner",
        string="Owner",
        tracking=True,
        help="Legal owner of the car (from the registration certificate). Retention "
        "for a debt is only possible when the owner is the debtor.",
    )
    debt_customer_id = fields.Many2one(
        "res.partner",
        string="Customer",
        help="Who brings the car to the shop and pays for the work.",
    )
