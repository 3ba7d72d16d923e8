"""How the dunning e-mails let the customer pay: a pay-now link per item and for the case,
the payment QR code of the sum to pay (decoded back from the image), the early-payment
discount of the payment term. Paying through a link: ``test_tour_payment``."""

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .collection_common import CollectionCommon
from .common import RussianShopCommon
from .test_payment_qr import decode_qr

PAYEE = (
    "ST00012|Name=ООО «Гараж-Тест»|PersonalAcc=40702810900000012345|BankName=ПАО Сбербанк"
    "|BIC=044525225|CorrespAcc=30101810400000000225"
)


def links(body):
    """The ``href`` targets of an e-mail body."""
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', body)]


def qr_params(body):
    """The parameters of the QR image's URL (Odoo's barcode route) of an e-mail body."""
    src = unescape(re.search(r'<img[^>]+src="([^"]*/report/barcode/[^"]+)"', body).group(1))
    return {key: values[0] for key, values in parse_qs(urlsplit(src).query).items()}


def qr_value(body):
    """The payment string of the QR image of an e-mail body."""
    return qr_params(body)["value"]


@tagged("post_install", "-at_install")
class TestReminderPayment(CollectionCommon, RussianShopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.bank_ids.bank_id.debt_corr_account = "30101810400000000225"
        cls.debtor = cls._customer("ООО «Ромашка»", "buh@romashka.example", lang="ru_RU")

    def _mail(self, record):
        mails = self._mails(record)
        self.assertEqual(len(mails), 1, f"one mail about {record.display_name}")
        return mails

    def test_stage_reminder_pays_the_case_online_and_by_qr(self):
        invoice = self._invoice(self.debtor, 12345.0, date(2026, 11, 2))
        self._run(date(2026, 11, 5))
        case = self._open_case(self.debtor)
        body = self._mail(case).body_html
        hrefs = links(body)
        self.assertIn(case._debt_pay_url(), hrefs, "the case's pay-now link")
        self.assertRegex(case._debt_pay_url(), rf"/my/debt/pay/case/{case.id}\?access_token=\w{{64}}$")
        self.assertIn(f"{invoice.get_base_url()}/my/invoices/{invoice.id}?access_token={invoice.access_token}",
                      hrefs, "the invoice's own portal page, with its access token")
        self.assertIn("Как оплатить", body)
        self.assertIn("Оплатить онлайн", body)
        expected = (
            f"{PAYEE}|Sum=1234500|Purpose=Оплата по документам: {invoice.name}"
            "|PayeeINN=7701234567|KPP=770101001"
        )
        self.assertEqual(qr_value(body), expected)
        params = qr_params(body)
        png = self.env["ir.actions.report"].barcode(
            params["barcode_type"], params["value"], width=int(params["width"]), height=int(params["height"]))
        self.assertEqual(decode_qr(png), expected, "the image Odoo draws from that URL scans back")
        self.assertIn("40702810900000012345", body)
        self.assertIn("30101810400000000225", body)

    def test_account_without_correspondent_account_sends_no_broken_code(self):
        self.company.partner_id.bank_ids.bank_id.debt_corr_account = False
        self._invoice(self.debtor, 5000.0, date(2026, 11, 2))
        self._run(date(2026, 11, 5))
        body = self._mail(self._open_case(self.debtor)).body_html
        self.assertNotIn("/report/barcode/", body)
        self.assertIn("40702810900000012345", body, "the bank details are still given")

    def test_upcoming_reminder_states_the_early_payment_discount(self):
        term = self.env["account.payment.term"].create({
            "name": "2% / 10 дней, 12 дней нетто", "company_id": self.company.id,
            "early_discount": True, "discount_percentage": 2, "discount_days": 10,
            "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 12})],
        })
        invoice = self._invoice(self.debtor, 10000.0, None, invoice_date=date(2026, 11, 20), term=term)
        self.assertEqual(invoice.invoice_date_due, date(2026, 12, 2))
        plain = self._invoice(self.debtor, 3000.0, date(2026, 12, 3), invoice_date=date(2026, 11, 20))
        with freeze_time("2026-11-30 09:00:00"):
            self._run(date(2026, 11, 30))
        body = self._mail(self.debtor).body_html
        self.assertIn("9\N{NO-BREAK SPACE}800,00", body, "the discounted amount of the invoice")
        self.assertIn("12\N{NO-BREAK SPACE}800,00", body, "the sum to pay with the discount")
        self.assertIn("13\N{NO-BREAK SPACE}000,00", body, "instead of the full sum")
        self.assertIn("30.11.2026", body, "the discount's last day")
        self.assertEqual(qr_value(body), (
            f"{PAYEE}|Sum=1280000|Purpose=Оплата по документам: {invoice.name}, {plain.name}"
            "|PayeeINN=7701234567|KPP=770101001"
        ))
        # a day later the discount is gone: the next reminder (of a new item) asks the full sum
        self._invoice(self.debtor, 1000.0, date(2026, 12, 4), invoice_date=date(2026, 11, 21))
        with freeze_time("2026-12-01 09:00:00"):
            self._run(date(2026, 12, 1))
        later = self._mails(self.debtor)[-1].body_html
        self.assertNotIn("9\N{NO-BREAK SPACE}800,00", later)

    def test_late_installment_reminder_links_the_installment(self):
        invoice = self._invoice(self.debtor, 30000.0, date(2026, 11, 1))
        with freeze_time("2026-11-02 09:00:00"):
            plan = self._plan(invoice, 3, date(2026, 11, 10))
        first = plan.line_ids.sorted("due_date")[0]
        with freeze_time("2026-11-20 09:00:00"):
            self._run(date(2026, 11, 20))
        body = self._mails(self.debtor)[-1].body_html
        self.assertIn(first._debt_pay_url(), links(body))
        self.assertRegex(first._debt_pay_url(), rf"/my/debt/pay/installment/{first.id}\?access_token=\w{{64}}$")
        self.assertIn("Sum=1000000|", qr_value(body), "the QR pays the late installment")

    def test_portal_customer_is_shown_the_way_to_my_debt(self):
        self._invoice(self.debtor, 5000.0, date(2026, 11, 2))
        other = self._customer("ООО «Без входа»", "no-portal@example.com", lang="ru_RU")
        self._invoice(other, 5000.0, date(2026, 11, 2))
        contact = self.env["res.partner"].create({
            "name": "Бухгалтер Ромашки", "parent_id": self.debtor.id, "email": "ira@romashka.example",
        })
        self.env["res.users"].with_context(no_reset_password=True).create({
            "login": "romashka_portal", "partner_id": contact.id,
            "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
        })
        self._run(date(2026, 11, 5))
        my_debt = f"{self.company.get_base_url()}/my/debt"
        self.assertIn(my_debt, links(self._mail(self._open_case(self.debtor)).body_html))
        self.assertNotIn(my_debt, links(self._mail(self._open_case(other)).body_html))

    def test_stage_letter_prints_a_short_pay_now_link(self):
        self._invoice(self.debtor, 5000.0, date(2026, 11, 2))
        self._run(date(2026, 11, 5))
        case = self._open_case(self.debtor)
        url = case._get_stage_letter_values()["pay_url"]
        self.assertRegex(url, rf"/p/c{case.id}\.[0-9a-f]{{16}}$")
        self.assertEqual(self.env["debt.pay.link"]._debt_short_target(url.rsplit("/", 1)[1]), case._debt_pay_url())
        html = self.env["ir.actions.report"]._render_qweb_html(
            "auto_service_debt.action_report_stage_reminder_letter", case.ids)[0].decode()
        self.assertIn(url, html)
        self.assertIn("Оплатить картой онлайн", html)
