"""Pay-now links: a signed URL that pays a case's overdue items or one installment of a
plan through Odoo's payment flow (``account_payment``), for the amount due at the moment
the customer opens it."""

import re

from werkzeug.urls import url_encode

from odoo import api, fields, models, tools

#: What a pay-now link may pay: ``kind`` in the URL -> model.
PAY_KINDS = {"case": "debt.collection.case", "installment": "debt.installment.line"}
#: Short links for SMS (``/p/<letter><id>.<signature>``): letter -> model.
SHORT_KINDS = {"c": "debt.collection.case", "n": "debt.installment.line", "i": "account.move"}
SHORT_CODE = re.compile(r"([cni])(\d{1,12})\.([0-9a-f]{16})")


class DebtPayLink(models.AbstractModel):
    _name = "debt.pay.link"
    _description = "Debt Control: pay-now links"

    @api.model
    def _debt_token(self, kind, res_id):
        """The link's signature: an HMAC of the database secret over what it pays."""
        return tools.hmac(self.env(su=True), "auto_service_debt.pay_link", f"{kind}|{int(res_id)}")

    @api.model
    def _debt_url(self, record):
        """The absolute pay-now URL of ``record`` (a case or an installment)."""
        kind = next(k for k, model in PAY_KINDS.items() if model == record._name)
        query = url_encode({"access_token": self._debt_token(kind, record.id)})
        return f"{record.company_id.get_base_url()}/my/debt/pay/{kind}/{record.id}?{query}"

    @api.model
    def _debt_record(self, kind, res_id, token):
        """The record (sudo) a link designates when its signature is right, else an
        empty recordset."""
        model = PAY_KINDS.get(kind)
        if not model or not token:
            return self.env["debt.collection.case"].sudo().browse()
        record = self.env[model].sudo().browse(int(res_id)).exists()
        if not record or not tools.consteq(str(token), self._debt_token(kind, record.id)):
            return self.env[model].sudo().browse()
        return record

    @api.model
    def _debt_target(self, partner, company, invoices, amount, reference):
        """What a link pays now: the posted open invoices (in the company's currency) it
        settles, oldest first, and the amount (at most what they still owe)."""
        currency = company.currency_id
        invoices = invoices.filtered(
            lambda m: m.state == "posted" and m.currency_id == currency
            and currency.compare_amounts(m.amount_residual, 0) > 0
        ).sorted(lambda m: (m.invoice_date_due or m.date, m.id))
        amount = currency.round(min(amount, sum(invoices.mapped("amount_residual"))))
        return {
            "partner": partner,
            "company": company,
            "currency": currency,
            "invoices": invoices,
            "amount": max(amount, 0.0),
            "reference": reference,
            "today": fields.Date.context_today(self),
        }

    @api.model
    def _debt_short_url(self, record):
        """A short link for an SMS to the pay-now page of a case or an installment, or
        to an invoice's portal page: ``<base>/p/c15.0123456789abcdef``."""
        letter = next(k for k, model in SHORT_KINDS.items() if model == record._name)
        token = self._debt_token(f"short-{letter}", record.id)[:16]
        return f"{record.company_id.get_base_url()}/p/{letter}{record.id}.{token}"

    @api.model
    def _debt_short_target(self, code):
        """The page a short link leads to, or ``False`` for a wrong or forged code."""
        match = SHORT_CODE.fullmatch(code or "")
        if not match:
            return False
        letter, res_id, token = match.groups()
        record = self.env[SHORT_KINDS[letter]].sudo().browse(int(res_id)).exists()
        if not record or not tools.consteq(token, self._debt_token(f"short-{letter}", record.id)[:16]):
            return False
        if record._name == "account.move":
            return record.get_portal_url()
        return self._debt_url(record)
