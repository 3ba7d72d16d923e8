"""Receivable accounts: a change of the chart clears the cached receivable accounts of the debt position."""

from odoo import api, models


class AccountAccount(models.Model):
    _inherit = "account.account"

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        self.env.registry.clear_cache()  # debt.position._receivable_account_ids
        return accounts

    def write(self, vals):
        res = super().write(vals)
        if "account_type" in vals or "company_ids" in vals:
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res
