"""A payment through a pay-now link with Odoo's demo payment provider, over HTTP as the
browser makes it (the payment form, the transaction route, the provider's notification,
the status poll that post-processes the transaction), is an ordinary payment for the
addon: the customer is unblocked at once, the case closes as paid, the plan allocates.
Run by Odoo's test runner with the tours (``asd_tour``): it needs the HTTP server."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from odoo import fields
from odoo.exceptions import RedirectWarning
from odoo.tests import HttpCase, tagged

from .common import DebtFixtures
from .test_payment_links import links


@tagged("post_install", "-at_install", "asd_tour")
class TestPayOnline(DebtFixtures, HttpCase):
    """A customer pays through a pay-now link with Odoo's demo payment provider, over HTTP
    as the browser does: the payment form, the transaction route, the provider's
    notification and the status poll that post-processes the transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = company = env.company
        cls.today = fields.Date.context_today(env["res.partner"])
        company.write({
            "debt_max_overdue_days": 30, "debt_max_overdue_amount": 0.0, "debt_prepayment_percent": 0.0,
        })
        cls.provider = env["payment.provider"].sudo().search(
            [("code", "=", "demo"), ("company_id", "=", company.id)], limit=1
        )
        assert cls.provider, "payment_demo is installed in the test database"
        cls.provider.write({"state": "test", "is_published": True})
        cls.method = env.ref("payment_demo.payment_method_demo")
        cls.service = cls._service_product("Диагностика подвески", list_price=3000.0)

    def _pay(self, url, amount):
        """Open the pay-now ``url``, pay ``amount`` with the demo provider; the transaction."""
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_payment_form", page.text, "Odoo's payment form")
        self.assertIn(f'data-provider-id="{self.provider.id}"', page.text, "offering the demo provider")
        path, query = urlsplit(url).path, parse_qs(urlsplit(url).query)
        processing = self.make_jsonrpc_request(f"{self.base_url()}{path}/transaction", {
            "provider_id": self.provider.id, "payment_method_id": self.method.id, "token_id": None,
            "amount": amount, "flow": "direct", "tokenization_requested": False,
            "landing_route": "/payment/confirmation", "is_validation": False,
            "access_token": query["access_token"][0],
        })
        self.make_jsonrpc_request(f"{self.base_url()}/payment/demo/simulate_payment", {
            "reference": processing["reference"], "payment_details": "4242", "simulated_state": "done",
        })
        self.make_jsonrpc_request(f"{self.base_url()}/payment/status/poll", {})
        self.env.invalidate_all()
        return self.env["payment.transaction"].search([("reference", "=", processing["reference"])])

    def test_blocked_customer_pays_from_the_reminder_and_orders_again(self):
        debtor = self._customer("ООО «Онлайн»", "pay@online.example", lang="ru_RU", tz="Europe/Moscow")
        invoice = self._invoice(debtor, 12000.0, self.today - timedelta(days=100))
        self._step("debt.collection.case", "_debt_daily_collect", debtor)
        case = self._open_case(debtor)
        self.assertEqual(len(case), 1)
        with self.assertRaisesRegex(RedirectWarning, "is blocked"):
            self._order(debtor, 3000.0, confirm=True)
        url = next(href for href in links(self._mails(case)[-1].body_html) if "/my/debt/pay/case/" in href)

        tx = self._pay(url, 12000.0)
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.invoice_ids, invoice)
        self.assertIn(tx.payment_id.state, ("in_process", "paid"), "Odoo posted the payment")
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual((case.state, case.close_reason), ("closed", "paid"), "the case closed as paid")
        order = self._order(debtor, 3000.0, confirm=True)
        self.assertEqual(order.state, "sale", "the next work order confirms")
        # the link has nothing left to pay, and says so
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_debt_pay_nothing", page.text)

    def test_installment_link_pays_that_installment(self):
        debtor = self._customer("ООО «Рассрочка»", "plan@online.example", lang="ru_RU", tz="Europe/Moscow")
        invoice = self._invoice(debtor, 30000.0, self.today - timedelta(days=40))
        plan = self._plan(invoice, 3, self.today)
        first, second, third = plan.line_ids.sorted("due_date")

        tx = self._pay(first._debt_pay_url(), 10000.0)
        self.assertEqual(tx.state, "done")
        self.assertEqual(invoice.amount_residual, 20000.0)
        self.assertEqual((first.paid_amount, first.state), (10000.0, "paid"), "the installment is allocated")
        self.assertEqual((second.paid_amount, third.paid_amount), (0.0, 0.0))
        self.assertEqual(plan.state, "active")

    def test_links_are_signed(self):
        debtor = self._customer("ООО «Чужой»", "x@online.example")
        self._invoice(debtor, 1000.0, self.today - timedelta(days=40))
        self._step("debt.collection.case", "_debt_daily_collect", debtor)
        case = self._open_case(debtor)
        url = case._debt_pay_url()
        self.assertEqual(self.url_open(url.replace("access_token=", "access_token=0")).status_code, 404)
        other = url.replace(f"/case/{case.id}?", f"/case/{case.id + 1}?")
        self.assertEqual(self.url_open(other).status_code, 404)
        self.assertEqual(self.url_open(url).status_code, 200)
