from odoo import api, fields, models


class AccountMove(models.Model):
    """Invoices show the car and carry the debt-control states of their due lines."""

    _name = "account.move"
    _inherit = ["account.move", "debt.block.mixin"]

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

    @api.depends("partner_id", "company_id", "state", "move_type")
    def _compute_debt_banner(self):
        return super()._compute_debt_banner()

    def _debt_banner_items(self):
        items = {}
        for move in self.filtered(lambda m: m.state == "draft" and m.move_type == "out_invoice" and m.partner_id):
            items[move] = (move.partner_id, move.company_id, 0.0, None)
        return items

    def _debt_refresh_block_flags(self):
        """Refresh the stored block flags of the customers of these invoices."""
        self.env["debt.partner.status"]._debt_refresh_lines(self.line_ids)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._debt_refresh_block_flags()
        return posted

    def button_cancel(self):
        res = super().button_cancel()
        self._debt_refresh_block_flags()
        return res

    def button_draft(self):
        res = super().button_draft()
        self._debt_refresh_block_flags()
        return res
