from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment matched or unmatched with an invoice frees or blocks the customer at
    once: the stored flags of the customers concerned are refreshed."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["debt.partner.status"]._debt_refresh_lines(partials.debit_move_id | partials.credit_move_id)
        return partials

    def unlink(self):
        lines = self.debit_move_id | self.credit_move_id
        res = super().unlink()
        self.env["debt.partner.status"]._debt_refresh_lines(lines.exists())
        return res
