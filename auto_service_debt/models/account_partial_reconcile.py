from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment reaching due lines (or taken back) is an event: the installment plans
    allocate it at once, and its customers are marked for the settle step (cases close
    or pause, flags follow)."""

    _inherit = "account.partial.reconcile"

    def _debt_plan_moves(self):
        return (self.debit_move_id.move_id | self.credit_move_id.move_id).filtered(
            lambda m: m.move_type == "out_invoice"
        )

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        # plans allocate the payment now; cases and flags follow at the settle step
        self.env["debt.installment.plan"]._debt_plans_of_moves(
            partials._debt_plan_moves()
        )._debt_recompute_allocation()
        self.env["debt.partner.status"]._debt_mark_lines(partials.debit_move_id | partials.credit_move_id)
        return partials

    def unlink(self):
        lines = self.debit_move_id | self.credit_move_id
        moves = self._debt_plan_moves()
        self.env["debt.partner.status"]._debt_mark_lines(lines)
        res = super().unlink()
        self.env["debt.installment.plan"]._debt_plans_of_moves(moves.exists())._debt_recompute_allocation()
        return res
