"""Waive all or part of accrued penalties (manager only), with a reason on the chatter."""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, format_amount, format_date

MANAGER = "auto_service_debt.group_debt_manager"


class DebtPenaltyWaiveWizard(models.TransientModel):
    """A full waiver closes the accrued days; a partial one lowers the amount to invoice
    (oldest debts first) and accrual goes on."""

    _name = "debt.penalty.waive.wizard"
    _description = "Waive Penalties"

    penalty_ids = fields.Many2many("debt.penalty", string="Penalties", required=True)
    currency_id = fields.Many2one(related="penalty_ids.currency_id")
    mode = fields.Selection(
        [("full", "Waive all"), ("partial", "Waive part")], required=True, default="full"
    )
    amount_open = fields.Monetary(string="To Invoice", compute="_compute_amount_open")
    amount = fields.Monetary(string="Amount to Waive")
    reason = fields.Text(help="Why the customer is let off; kept on the chatter.")

    @api.depends("penalty_ids.amount_open")
    def _compute_amount_open(self):
        for wiz in self:
            wiz.amount_open = sum(wiz.penalty_ids.mapped("amount_open"))

    @api.model
    def _debt_check_manager(self):
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only a debt manager may waive penalties."))

    @api.model
    def _debt_action_open(self, penalties):
        self._debt_check_manager()
        open_penalties = penalties.filtered(lambda p: p.amount_open > 0)
        if not open_penalties:
            raise UserError(self.env._(
                "Nothing to waive: the selected penalties have no amount that is not yet "
                "invoiced or waived."
            ))
        wizard = self.create({"penalty_ids": [Command.set(open_penalties.ids)]})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive Penalties"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_confirm(self):
        self.ensure_one()
        self._debt_check_manager()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of the waiver."))
        today = fields.Date.context_today(self)
        self._debt_refresh(self.penalty_ids, today)
        penalties = self.penalty_ids.sudo().filtered(lambda p: p.amount_open > 0).sorted(
            lambda p: (p.date_maturity, p.id)
        )
        currency = penalties.currency_id[:1] or self.env.company.currency_id
        total = sum(penalties.mapped("amount_open"))
        if not penalties:
            raise UserError(self.env._("Nothing to waive: the penalties are invoiced or waived."))
        if self.mode == "partial":
            if currency.compare_amounts(self.amount, 0) <= 0 or \
                    currency.compare_amounts(self.amount, total) > 0:
                raise UserError(self.env._(
                    "The amount to waive must be above 0 and at most %(total)s (to invoice), "
                    "got %(amount)s.",
                    total=format_amount(self.env, total, currency),
                    amount=format_amount(self.env, self.amount, currency),
                ))
            # Waiving exactly what is open is a full waiver: close the days as well.
            full = currency.compare_amounts(self.amount, total) == 0
        else:
            full = True
        left = self.amount if not full else total
        vals_list = []
        for pen in penalties:
            part = pen.amount_open if full else min(pen.amount_open, left)
            if float_compare(part, 0, precision_rounding=currency.rounding) <= 0:
                continue
            left = currency.round(left - part)
            vals_list.append({
                "penalty_id": pen.id,
                "kind": "waiver",
                "closes_period": full,
                "date_to": pen.computed_to,
                "amount": part,
                "reason": self.reason,
            })
        settlements = self.env["debt.penalty.settlement"].sudo().create(vals_list)
        for settlement in settlements:
            pen = settlement.penalty_id
            body = self.env._(
                "Penalty waived by %(user)s: %(amount)s of %(open)s (up to %(date)s). Reason: %(reason)s",
                user=self.env.user.name,
                amount=format_amount(self.env, settlement.amount, currency),
                open=format_amount(self.env, pen.amount_open, currency),
                date=format_date(self.env, pen.computed_to),
                reason=self.reason,
            )
            pen.move_id._message_log(body=body)
        waived = sum(settlements.mapped("amount"))
        penalties.partner_id._message_log(body=self.env._(
            "Penalties of %(amount)s waived by %(user)s (%(invoices)s). Reason: %(reason)s",
            amount=format_amount(self.env, waived, currency),
            user=self.env.user.name,
            invoices=", ".join(settlements.penalty_id.move_id.mapped("name")),
            reason=self.reason,
        ))
        self._debt_refresh(penalties, today)
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _debt_refresh(self, penalties, date):
        """Bring the accrued amounts up to ``date`` so that what is waived is current."""
        for company in penalties.company_id:
            company_pens = penalties.filtered(lambda p, c=company: p.company_id == c)
            self.env["debt.penalty"].sudo().with_company(company)._debt_accrue(
                company, date, line_ids=company_pens.move_line_id.ids
            )
