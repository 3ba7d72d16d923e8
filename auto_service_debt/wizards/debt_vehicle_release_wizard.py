from odoo import fields, models


class DebtVehicleReleaseWizard(models.TransientModel):
    """A manager releases a held car although its debt is unpaid, with a reason."""

    _name = "debt.vehicle.release.wizard"
    _description = "Release a Held Vehicle"

    hold_ids = fields.Many2many("debt.vehicle.hold", string="Holds", required=True)
    reason = fields.Text(required=True)

    def action_release(self):
        self.ensure_one()
        self.hold_ids._release(self.reason, override=True)
        return {"type": "ir.actions.act_window_close"}
