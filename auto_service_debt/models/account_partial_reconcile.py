from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment reaching due lines (or taken back) updates at once what depends on
    them: the customers' block flags, the allocation of installment plans, and the
    collection cases that the payment cleared."""

    _inherit = "account.partial.reconcile"

    def _debt_plan_moves(self):
        return (self.debit_move_id.move_id | self.credit_move_id.move_id).filtered(
            lambda m: m.move_type == "out_invoice"
        )

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        lines = partials.debit_move_id | partials.credit_move_id
        self.env["debt.partner.status"]._debt_refresh_lines(lines)
        self.env["debt.installment.plan"]._debt_plans_of_moves(
            partials._debt_plan_moves()
        )._debt_recompute_allocation()
        receivable = lines.filtered(lambda l: l.account_type == "asset_receivable" and l.partner_id)
        if receivable and not self.env.context.get("debt_no_case_refresh"):
            self.env["debt.collection.case"]._debt_close_paid_partners(
                set(receivable.partner_id.commercial_partner_id.ids), set(receivable.company_id.ids)
            )
        return partials

    def unlink(self):
        lines = self.debit_move_id | self.credit_move_id
        moves = self._debt_plan_moves()
        res = super().unlink()
        self.env["debt.partner.status"]._debt_refresh_lines(lines.exists())
        self.env["debt.installment.plan"]._debt_plans_of_moves(moves.exists())._debt_recompute_allocation()
        return res
