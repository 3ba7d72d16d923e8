from odoo import api, fields, models


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
    debt_grade = fields.Selection(
        related="partner_id.commercial_partner_id.debt_grade", string="Discipline Grade",
        groups="auto_service_debt.group_debt_user",
    )

    @api.onchange("partner_id")
    def _onchange_partner_id_debt_vehicle(self):
        """Propose the customer's car when the customer has exactly one."""
        if not self.env["fleet.vehicle"].has_access("read"):
            return
        for order in self:
            if not order.partner_id:
                continue
            owner = order.partner_id.commercial_partner_id
            if order.debt_vehicle_id and order.debt_vehicle_id.debt_owner_id.commercial_partner_id == owner:
                continue
            cars = self.env["fleet.vehicle"].search(
                [("debt_owner_id", "child_of", owner.id), ("company_id", "in", [order.company_id.id, False])],
                limit=2,
            )
            order.debt_vehicle_id = cars if len(cars) == 1 else False

    def _action_repair_confirm(self):
        # Covers "Confirm Repair" and "Start Repair" of a draft order.
        self._debt_check_block()
        return super()._action_repair_confirm()

    def write(self, vals):
        # A direct write of a confirmed state meets the same check as the buttons.
        if vals.get("state") in ("confirmed", "under_repair"):
            self.filtered(lambda r: r.state == "draft")._debt_unchecked()._debt_check_block()
        return super().write(vals)

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

    @api.depends("partner_id", "company_id", "state", "sale_order_id")
    def _compute_debt_banner(self):
        return super()._compute_debt_banner()

    def _debt_banner_items(self):
        company_items = {}
        # Unsaved repair orders too: the state shows as soon as the customer is chosen.
        for repair in self.filtered(lambda r: r.partner_id and r.state in ("draft", "confirmed", "under_repair")):
            order = repair.sale_order_id
            amount = order._debt_company_amount() if order and order.state in ("draft", "sent") else 0.0
            company_items[repair] = (repair.partner_id, repair.company_id, amount, None)
        return company_items
