from odoo import fields, models


class AccountMove(models.Model):
    """Invoices show the car and carry the debt-control states of their due lines."""

    _inherit = "account.move"

    debt_vehicle_id = fields.Many2one(
        "fleet.vehicle",
        string="Vehicle",
        tracking=True,
        check_company=True,
        help="The car the invoiced work was done on.",
    )
    debt_license_plate = fields.Char(related="debt_vehicle_id.license_plate", string="Plate")
    debt_vin = fields.Char(related="debt_vehicle_id.vin_sn", string="VIN")
    debt_in_plan = fields.Boolean(
        string="In Installment Plan",
        copy=False,
        index=True,
        help="Covered by an active installment plan that is on time: the invoice "
        "neither blocks the customer nor is dunned.",
    )
    debt_disputed = fields.Boolean(
        string="Disputed",
        copy=False,
        index=True,
        help="The customer disputes this invoice: no dunning until the dispute is settled.",
    )
