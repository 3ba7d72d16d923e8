"""Bank accounts: the Russian payment QR code (ГОСТ Р 56042-2014) as one of Odoo's QR
methods, next to Odoo's own SEPA and EMV codes, so that invoices and the addon's documents
print it the same way."""

from odoo import api, models

from ..tools import payment_qr

GOST_QR = "ru_gost"


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    @api.model
    def _get_available_qr_methods(self):
        methods = super()._get_available_qr_methods()
        methods.append((GOST_QR, self.env._("Russian payment QR code (GOST R 56042-2014)"), 15))
        return methods

    def _debt_gost_details(self, debtor_partner=None, purpose=None):
        """The payee's details of this account, and the payer's where known."""
        self.ensure_one()
        holder = self.partner_id.commercial_partner_id
        details = {
            "Name": self.acc_holder_name or holder.name or "",
            "PersonalAcc": self.acc_number or "",
            "BankName": self.bank_id.name or "",
            "BIC": self.bank_id.bic or "",
            "CorrespAcc": self.bank_id.debt_corr_account or "",
            "PayeeINN": holder.vat or "",
            "KPP": holder.debt_kpp or "",
            "Purpose": purpose or "",
        }
        payer = debtor_partner.commercial_partner_id if debtor_partner else None
        if payer and not payer.is_company:
            details["LastName"] = (payer.name or "").split(" ")[0]
        if payer:
            address = payer.with_context(lang=payer.lang)._display_address(without_company=True) or ""
            details["PayerAddress"] = ", ".join(p.strip() for p in address.splitlines() if p.strip())
        return details

    def _get_error_messages_for_qr(self, qr_method, debtor_partner, currency):
        if qr_method == GOST_QR:
            if currency.name != "RUB":
                return self.env._("The Russian payment QR code is for payments in roubles, not in %s.",
                                  currency.name)
            try:
                payment_qr.check_details(self._debt_gost_details())
            except payment_qr.PaymentQrError as error:
                return self._debt_gost_error(error)
            return None
        return super()._get_error_messages_for_qr(qr_method, debtor_partner, currency)

    def _debt_gost_error(self, error):
        """What to fix on the account for the QR code, in the user's words."""
        labels = {
            "Name": self.env._("the account holder's name"),
            "PersonalAcc": self.env._("the account number (20 digits)"),
            "BankName": self.env._("the bank's name"),
            "BIC": self.env._("the bank's BIC (9 digits)"),
            "CorrespAcc": self.env._("the bank's correspondent account (20 digits)"),
            "PayeeINN": self.env._("the INN of the account holder (10 or 12 digits)"),
            "KPP": self.env._("the KPP of the account holder (9 digits)"),
            "Sum": self.env._("the amount"),
        }
        return self.env._(
            "No payment QR code for the account %(account)s: set %(what)s (Contacts → the "
            "company → Bank Accounts, and the bank's form).",
            account=self.display_name, what=labels.get(error.field, error.field or str(error)),
        )

    def _get_qr_vals(self, qr_method, amount, currency, debtor_partner, free_communication, structured_communication):
        if qr_method == GOST_QR:
            details = self._debt_gost_details(debtor_partner, structured_communication or free_communication)
            return payment_qr.payment_string(details, amount or None)
        return super()._get_qr_vals(qr_method, amount, currency, debtor_partner, free_communication,
                                    structured_communication)

    def _check_for_qr_code_errors(self, qr_method, amount, currency, debtor_partner, free_communication, structured_communication):
        if qr_method == GOST_QR:
            try:
                self._get_qr_vals(qr_method, amount, currency, debtor_partner, free_communication,
                                  structured_communication)
            except payment_qr.PaymentQrError as error:
                return self._debt_gost_error(error)
            return None
        return super()._check_for_qr_code_errors(qr_method, amount, currency, debtor_partner,
                                                 free_communication, structured_communication)

    def _get_qr_code_generation_params(self, qr_method, amount, currency, debtor_partner, free_communication, structured_communication):
        if qr_method == GOST_QR:
            return {
                # up to 300 bytes make a dense code: drawn large enough for any phone
                "barcode_type": "QR",
                "width": 360,
                "height": 360,
                "value": self._get_qr_vals(qr_method, amount, currency, debtor_partner,
                                           free_communication, structured_communication),
            }
        return super()._get_qr_code_generation_params(qr_method, amount, currency, debtor_partner,
                                                      free_communication, structured_communication)
