"""Banks: the correspondent account a Russian payment order needs besides the BIC."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResBank(models.Model):
    _inherit = "res.bank"

    debt_corr_account = fields.Char(
        string="Correspondent Account",
        size=20,
        help="The bank's correspondent account at the Bank of Russia (20 digits, starts with "
        "301). Russian payment orders and the payment QR code need it with the BIC.",
    )

    @api.constrains("debt_corr_account")
    def _check_debt_corr_account(self):
        for bank in self.filtered("debt_corr_account"):
            value = bank.debt_corr_account.replace(" ", "")
            if not (value.isdigit() and len(value) == 20):
                raise ValidationError(self.env._(
                    "Bank %(bank)s: the correspondent account must be 20 digits (e.g. "
                    "30101810400000000225), not «%(value)s».",
                    bank=bank.name, value=bank.debt_corr_account,
                ))
