"""Pay-now links (``/my/debt/pay/<kind>/<id>``): Odoo's payment page for what a case or an
installment owes at the moment, and its transaction route, which attaches the invoices so
that Odoo's payment is reconciled with them like any other customer payment."""

import werkzeug

from odoo import _, http
from odoo.addons.account_payment.controllers.payment import PaymentPortal
from odoo.addons.payment import utils as payment_utils
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.http import request


class DebtPaymentPortal(PaymentPortal):

    @staticmethod
    def _debt_pay_record(kind, res_id, access_token):
        record = request.env["debt.pay.link"]._debt_record(kind, res_id, access_token)
        if not record:
            raise werkzeug.exceptions.NotFound()
        return record

    @http.route("/p/<string:code>", type="http", auth="public", methods=["GET"], sitemap=False)
    def debt_short_link(self, code, **kwargs):
        """The short link of an SMS: to the pay-now page or the invoice's portal page."""
        target = request.env["debt.pay.link"]._debt_short_target(code)
        if not target:
            raise werkzeug.exceptions.NotFound()
        return request.redirect(target, local=False)

    @http.route("/my/debt/pay/<string:kind>/<int:res_id>", type="http", auth="public",
                methods=["GET"], website=True, sitemap=False)
    def debt_pay(self, kind, res_id, access_token=None, **kwargs):
        """The payment form for the amount the link pays now; a page saying there is
        nothing left to pay when it is settled."""
        record = self._debt_pay_record(kind, res_id, access_token)
        target = record._debt_pay_target()
        if not target["amount"]:
            return request.render("auto_service_debt.debt_pay_nothing", {
                "company": target["company"], "reference": target["reference"],
            })
        partner, currency = target["partner"], target["currency"]
        user_partner = request.env.user.partner_id
        if not request.env.user._is_public() and user_partner.commercial_partner_id == partner.commercial_partner_id:
            # a contact of the customer pays as itself, without Odoo's "another partner" warning
            partner = user_partner
        return self.payment_pay(
            reference=target["reference"],
            amount=target["amount"],
            currency_id=currency.id,
            partner_id=partner.id,
            company_id=target["company"].id,
            access_token=payment_utils.generate_access_token(partner.id, target["amount"], currency.id),
            debt_pay_kind=kind, debt_pay_id=record.id, debt_pay_token=access_token,
        )

    def _get_extra_payment_form_values(self, debt_pay_kind=None, debt_pay_id=None,
                                       debt_pay_token=None, **kwargs):
        """Route the payment form of a pay-now link to its own transaction route."""
        values = super()._get_extra_payment_form_values(**kwargs)
        if debt_pay_kind:
            self._debt_pay_record(debt_pay_kind, debt_pay_id, debt_pay_token)
            values.update({
                "transaction_route": f"/my/debt/pay/{debt_pay_kind}/{int(debt_pay_id)}/transaction",
                "landing_route": "/payment/confirmation",
                "access_token": debt_pay_token,
            })
        return values

    @http.route("/my/debt/pay/<string:kind>/<int:res_id>/transaction", type="json", auth="public")
    def debt_pay_transaction(self, kind, res_id, access_token=None, amount=None, **kwargs):
        """Create the transaction of a pay-now link for the amount due now, linked to the
        invoices it settles; the amount shown on the form must still be that amount."""
        record = request.env["debt.pay.link"]._debt_record(kind, res_id, access_token)
        if not record:
            raise ValidationError(_("The payment link is invalid."))
        target = record._debt_pay_target()
        currency = target["currency"]
        if not target["amount"]:
            raise ValidationError(_("%(reference)s: there is nothing left to pay.",
                                    reference=target["reference"]))
        if amount is None or currency.compare_amounts(float(amount), target["amount"]):
            raise ValidationError(_(
                "%(reference)s: the amount due is now %(amount)s. Reload the page to pay it.",
                reference=target["reference"], amount=currency.format(target["amount"]),
            ))
        self._validate_transaction_kwargs(kwargs)
        logged_in = not request.env.user._is_public()
        partner = request.env.user.partner_id if logged_in else target["partner"]
        kwargs["landing_route"] = "/payment/confirmation"
        tx_sudo = self._create_transaction(
            amount=target["amount"],
            currency_id=currency.id,
            partner_id=partner.id,
            reference_prefix=target["reference"],
            custom_create_values={"invoice_ids": [Command.set(target["invoices"].ids)]},
            **kwargs,
        )
        self._update_landing_route(
            tx_sudo, payment_utils.generate_access_token(tx_sudo.partner_id.id, tx_sudo.amount, currency.id)
        )
        return tx_sudo._get_processing_values()
