from odoo import api, fields, models


class SaleOrder(models.Model):
    """Work orders (заказ-наряд) carry the customer's car."""

    _inherit = "sale.order"

    debt_vehicle_id = fields.Many2one(
        "fleet.vehicle",
        string="Vehicle",
        tracking=True,
        check_company=True,
        help="The customer's car this work order is for.",
    )
    debt_license_plate = fields.Char(related="debt_vehicle_id.license_plate", string="Plate")
    debt_vin = fields.Char(related="debt_vehicle_id.vin_sn", string="VIN")

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # Orders made from a repair order take its car.
        for order in orders.filtered(lambda o: not o.debt_vehicle_id and o.repair_order_ids):
            vehicle = order.repair_order_ids.debt_vehicle_id[:1]
            if vehicle:
                order.debt_vehicle_id = vehicle
        return orders

    def _prepare_invoice(self):
        vals = super()._prepare_invoice()
        if self.debt_vehicle_id:
            vals["debt_vehicle_id"] = self.debt_vehicle_id.id
        return vals
