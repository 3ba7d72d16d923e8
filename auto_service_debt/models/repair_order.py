from odoo import fields, models


class RepairOrder(models.Model):
    """Repair orders carry the customer's car and are refused to blocked customers
    when confirmed or started."""

    _name = "repair.order"
    _inherit = ["repair.order", "debt.block.mixin"]

    debt_vehicle_id = fields.Many2one(
        "fleet.vehicle",
        string="Vehicle",
        tracking=True,
        check_company=True,
        help="The customer's car under repair.",
    )
    debt_license_plate = fields.Char(related="debt_vehicle_id.license_plate", string="Plate")
    debt_vin = fields.Char(related="debt_vehicle_id.vin_sn", string="VIN")

    def _action_repair_confirm(self):
        # Covers "Confirm Repair" and "Start Repair" of a draft order.
        self._debt_check_block()
        return super()._action_repair_confirm()

    def action_repair_start(self):
        # The override wizard then starts the repair too, not only confirms it.
        return super(RepairOrder, self.with_context(debt_override_start=True)).action_repair_start()

    def _debt_block_enabled(self, company):
        return company.debt_block_repair

    def _debt_block_items(self):
        items = {}
        for repair in self.filtered(lambda r: r.state == "draft" and r.partner_id):
            order = repair.sale_order_id
            if order.state == "sale":
                # The work was committed, and checked, when its sale order was confirmed.
                continue
            amount = order._debt_company_amount() if order and order.state in ("draft", "sent") else 0.0
            items[repair] = (repair.partner_id, repair.company_id, amount, None)
        return items

    def _debt_banner_items(self):
        company_items = {}
        for repair in self.filtered(lambda r: r.id and r.partner_id and r.state in ("draft", "confirmed", "under_repair")):
            order = repair.sale_order_id
            amount = order._debt_company_amount() if order and order.state in ("draft", "sent") else 0.0
            company_items[repair] = (repair.partner_id, repair.company_id, amount, None)
        return company_items
