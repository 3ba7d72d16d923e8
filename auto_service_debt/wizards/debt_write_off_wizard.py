"""Write off the debt of a collection case against a bad-debt expense account."""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.debt_collection_case import CLOSE_TOKEN


class DebtWriteOffWizard(models.TransientModel):
    """Creates and posts the entry that clears the open due lines of the case's
    customer, reconciles them and closes the case as written off."""

    _name = "debt.write.off.wizard"
    _inherit = "debt.case.wizard.mixin"
    _description = "Write Off a Debt"

    reason = fields.Char(required=True)
    account_id = fields.Many2one(
        "account.account",
        string="Bad Debt Account",
        required=True,
        domain="[('account_type', 'in', ('expense', 'expense_other')), ('company_ids', 'in', company_id)]",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Journal",
        required=True,
        domain="[('type', '=', 'general'), ('company_id', '=', company_id)]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(string="Amount Written Off", compute="_compute_amount")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        case = self.env["debt.collection.case"].browse(res.get("case_id"))
        company = case.company_id or self.env.company
        if "account_id" in fields_list and not res.get("account_id"):
            res["account_id"] = company.debt_bad_debt_account_id.id
        if "journal_id" in fields_list and not res.get("journal_id"):
            res["journal_id"] = self.env["account.journal"].search(
                [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
            ).id
        return res

    @api.depends("case_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = sum(line.amount_residual for line in wizard._debt_lines())

    def _debt_lines(self):
        self.ensure_one()
        if not self.case_id:
            return self.env["account.move.line"]
        ids = [line["id"] for line in self.case_id._debt_open_lines()]
        return self.env["account.move.line"].browse(ids)

    def action_write_off(self):
        self.ensure_one()
        if not self.env.user.has_group("auto_service_debt.group_debt_manager"):
            raise AccessError(self.env._("Only a debt manager may write off a debt."))
        case = self.case_id
        if not (self.reason or "").strip():
            raise UserError(self.env._(
                "Give the reason for writing off the debt of case %(case)s (e.g. the customer "
                "was liquidated, the limitation period expired): it is recorded on the entry "
                "and the case.", case=case.name,
            ))
        if case.state != "open":
            raise UserError(self.env._("Case %(case)s is already closed.", case=case.name))
        lines = self._debt_lines().sudo()
        currency = case.currency_id
        total = currency.round(sum(lines.mapped("amount_residual")))
        if currency.is_zero(total):
            raise UserError(self.env._(
                "%(partner)s owes nothing in case %(case)s: there is nothing to write off.",
                partner=case.partner_id.display_name, case=case.name,
            ))
        label = self.env._("Write-off %(case)s: %(reason)s", case=case.name, reason=self.reason.strip())
        move = self.env["account.move"].sudo().create({
            "move_type": "entry",
            "company_id": case.company_id.id,
            "journal_id": self.journal_id.id,
            "date": self.date,
            "ref": label,
            "line_ids": [
                Command.create({
                    "name": f"{label} ({line.move_id.name})",
                    "account_id": line.account_id.id,
                    "partner_id": line.partner_id.id,
                    "balance": -line.amount_residual,
                    "amount_currency": -line.amount_residual_currency,
                    "currency_id": line.currency_id.id,
                })
                for line in lines
            ] + [
                Command.create({
                    "name": label,
                    "account_id": self.account_id.id,
                    "partner_id": case.partner_id.id,
                    "balance": total,
                })
            ],
        })
        move.action_post()
        # Close first: the reconciliation below must not close the case as paid.
        case.sudo().with_context(debt_case_close=CLOSE_TOKEN).write(
            {"write_off_move_id": move.id, "write_off_reason": self.reason.strip()}
        )
        case.sudo()._debt_close("written_off", self.date)
        counterparts = move.line_ids.filtered(lambda l: l.account_id != self.account_id)
        for line, counterpart in zip(lines, counterparts, strict=False):
            (line | counterpart).reconcile()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "view_mode": "form",
        }
