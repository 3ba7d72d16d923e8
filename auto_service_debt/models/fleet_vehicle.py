"""Customer cars serviced by the shop: their legal owner and whether a debt holds them."""

from odoo import api, fields, models


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

    # Retention for a debt

    debt_hold_ids = fields.One2many(
        "debt.vehicle.hold", "vehicle_id", string="Holds", groups="auto_service_debt.group_debt_user"
    )
    debt_on_hold = fields.Boolean(
        string="On Hold", compute="_compute_debt_on_hold", search="_search_debt_on_hold",
    )

    @api.depends("debt_hold_ids.state")
    def _compute_debt_on_hold(self):
        # Whoever sees the car (fleet users too) may see that it is held.
        held = set(self.env["debt.vehicle.hold"].sudo().search(
            [("vehicle_id", "in", self.ids), ("state", "=", "held")]
        ).vehicle_id.ids)
        for vehicle in self:
            vehicle.debt_on_hold = vehicle.id in held

    def _search_debt_on_hold(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        positive = (operator == "=") == bool(value)
        held = self.env["debt.vehicle.hold"].sudo()._search([("state", "=", "held")])
        return [("id", "in" if positive else "not in", held.subselect("vehicle_id"))]
