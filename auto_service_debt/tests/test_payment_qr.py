"""The Russian payment QR code (ГОСТ Р 56042-2014): the exact string, decoded back from the
image Odoo's barcode engine draws, for an invoice of a Russian shop."""

import base64
import subprocess
import tempfile
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from ..tools import payment_qr
from .common import DebtTestCommon, shop_user

PAYEE = {
    "Name": "ООО «Гараж-Тест»", "PersonalAcc": "40702810900000012345", "BankName": "ПАО Сбербанк",
    "BIC": "044525225", "CorrespAcc": "30101810400000000225", "PayeeINN": "7701234567",
    "KPP": "770101001",
}


def decode_qr(png):
    """The text of the QR code in ``png`` (bytes), read by zbarimg."""
    with tempfile.NamedTemporaryFile(suffix=".png") as image:
        image.write(png)
        image.flush()
        out = subprocess.run(["zbarimg", "--raw", "-q", "-Sbinary", image.name],
                             capture_output=True, check=True).stdout
    return out.decode("utf-8").rstrip("\n")


@tagged("post_install", "-at_install")
class TestPaymentString(DebtTestCommon):
    def test_exact_string_with_cyrillic_and_kopecks(self):
        text = payment_qr.payment_string(
            dict(PAYEE, Purpose="Оплата по счёту СЧФ/2026/00012 от 27.10.2026"), 18500.05)
        self.assertEqual(text, (
            "ST00012|Name=ООО «Гараж-Тест»|PersonalAcc=40702810900000012345|BankName=ПАО Сбербанк"
            "|BIC=044525225|CorrespAcc=30101810400000000225|Sum=1850005"
            "|Purpose=Оплата по счёту СЧФ/2026/00012 от 27.10.2026|PayeeINN=7701234567|KPP=770101001"
        ))

    def test_separators_and_control_characters_never_split_a_value(self):
        text = payment_qr.payment_string(dict(PAYEE, Name="ООО «Гараж|Тест»\n\tМосква"), 1)
        self.assertIn("|Name=ООО «Гараж/Тест» Москва|", text)
        self.assertEqual(text.count("|"), 8)  # the header and eight details

    def test_300_bytes_at_most(self):
        long_purpose = "Оплата задолженности " * 30
        text = payment_qr.payment_string(dict(PAYEE, Purpose=long_purpose), 100)
        self.assertLessEqual(len(text.encode()), 300)
        self.assertGreater(len(text.encode()), 270, "the purpose is shortened at a word, not dropped")
        self.assertIn("задолженности|PayeeINN=7701234567|KPP=770101001", text)
        self.assertIn("|Purpose=Оплата задолженности", text)
        with self.assertRaisesRegex(payment_qr.PaymentQrError, "more than 300"):
            payment_qr.payment_string(dict(PAYEE, Name="Я" * 200), 100)

    def test_wrong_details_are_named(self):
        for key, value in (("CorrespAcc", ""), ("BIC", "04452522"), ("PersonalAcc", "4070281090000001234X"),
                           ("PayeeINN", "123")):
            with self.assertRaises(payment_qr.PaymentQrError) as caught:
                payment_qr.payment_string(dict(PAYEE, **{key: value}), 10)
            self.assertEqual(caught.exception.field, key)
        with self.assertRaisesRegex(payment_qr.PaymentQrError, "positive"):
            payment_qr.payment_string(PAYEE, 0)


@tagged("post_install", "-at_install")
class TestInvoiceQr(DebtTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rub = cls.env.ref("base.RUB")
        rub.active = True
        cls.shop = cls._create_company(
            name="ООО «Гараж-Тест»", currency_id=rub.id, country_id=cls.env.ref("base.ru").id,
            vat="7701234567", qr_code=True,
        )
        cls.shop.partner_id.debt_kpp = "770101001"
        cls.bank = cls.env["res.bank"].create({
            "name": "ПАО Сбербанк", "bic": "044525225", "debt_corr_account": "30101810400000000225",
        })
        cls.account = cls.env["res.partner.bank"].create({
            "partner_id": cls.shop.partner_id.id, "bank_id": cls.bank.id, "company_id": cls.shop.id,
            "acc_number": "40702810900000012345", "allow_out_payment": True,
        })
        cls.customer = cls.env["res.partner"].create({
            "name": "Иванов Сергей Петрович", "lang": "ru_RU", "city": "Москва",
            "street": "ул. Тверская, д. 12", "country_id": cls.env.ref("base.ru").id,
        })

    def _invoice_for(self, amount):
        return self.env["account.move"].with_company(self.shop).create({
            "move_type": "out_invoice", "partner_id": self.customer.id, "company_id": self.shop.id,
            "partner_bank_id": self.account.id,
            "invoice_line_ids": [Command.create({
                "name": "Ремонт тормозов", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()],
            })],
        })

    def test_invoice_qr_decodes_to_the_payment_string(self):
        invoice = self._invoice_for(18500.05)
        invoice.action_post()
        uri = invoice.with_user(shop_user(self.env, "bookkeeper", company=self.shop))._generate_qr_code()
        self.assertEqual(invoice.qr_code_method, "ru_gost")
        png = base64.b64decode(uri.split(",", 1)[1])
        text = decode_qr(png)
        self.assertEqual(text, (
            "ST00012|Name=ООО «Гараж-Тест»|PersonalAcc=40702810900000012345|BankName=ПАО Сбербанк"
            f"|BIC=044525225|CorrespAcc=30101810400000000225|Sum=1850005|Purpose={invoice.payment_reference}"
            "|PayeeINN=7701234567|KPP=770101001|LastName=Иванов|PayerAddress=ул. Тверская, д. 12"
        ))
        # the payer's address gave way first (country, then city): the string keeps to 300 bytes
        self.assertLessEqual(len(text.encode()), 300)

    def test_missing_correspondent_account_says_what_to_set(self):
        self.bank.debt_corr_account = False
        message = self.account._get_error_messages_for_qr("ru_gost", self.customer, self.shop.currency_id)
        self.assertIn(self.account.display_name, message)
        self.assertIn("correspondent account", message)
        self.assertFalse(self.account.build_qr_code_base64(
            100.0, "x", "x", self.shop.currency_id, self.customer, qr_method="ru_gost"))

    @freeze_time("2026-12-01")
    def test_claim_letter_qr_pays_the_total_claimed(self):
        invoice = self._invoice_for(25700.0)
        invoice.write({"invoice_date": date(2026, 10, 27), "invoice_date_due": date(2026, 11, 6)})
        invoice.action_post()
        bookkeeper = shop_user(self.env, "bookkeeper", login="qr_bookkeeper", company=self.shop)
        claim = self.env["debt.claim"].with_user(bookkeeper).with_company(self.shop)._debt_issue(
            self.customer, self.shop)
        payment = claim._get_claim_letter_values()["payment"]
        self.assertNotIn("qr_error", payment)
        text = decode_qr(base64.b64decode(payment["qr"].split(",", 1)[1]))
        self.assertEqual(text, payment["qr_text"])
        sum_kopecks = payment_qr.kopecks(claim.total_amount)
        self.assertTrue(text.startswith(
            "ST00012|Name=ООО «Гараж-Тест»|PersonalAcc=40702810900000012345|BankName=ПАО Сбербанк"
            f"|BIC=044525225|CorrespAcc=30101810400000000225|Sum={sum_kopecks}"
            f"|Purpose=Оплата по претензии № {claim.name} от 01.12.2026|PayeeINN=7701234567|KPP=770101001"
        ), text)
        self.assertLessEqual(len(text.encode()), 300)

    @freeze_time("2026-12-01")
    def test_claim_letter_without_correspondent_account_says_so(self):
        self.bank.debt_corr_account = False
        invoice = self._invoice_for(1000.0)
        invoice.write({"invoice_date": date(2026, 10, 27), "invoice_date_due": date(2026, 11, 6)})
        invoice.action_post()
        bookkeeper = shop_user(self.env, "bookkeeper", login="qr_bookkeeper2", company=self.shop)
        claim = self.env["debt.claim"].with_user(bookkeeper).with_company(self.shop)._debt_issue(
            self.customer, self.shop)
        payment = claim._get_claim_letter_values()["payment"]
        self.assertNotIn("qr", payment)
        self.assertIn("correspondent account", payment["qr_error"])

    @freeze_time("2026-12-01")
    def test_installment_agreement_qr_pays_each_installment(self):
        invoice = self._invoice_for(30000.0)
        invoice.write({"invoice_date": date(2026, 10, 27), "invoice_date_due": date(2026, 11, 6)})
        invoice.action_post()
        bookkeeper = shop_user(self.env, "bookkeeper", login="qr_bookkeeper3", company=self.shop)
        wizard = self.env["debt.installment.plan.wizard"].with_user(bookkeeper).with_company(self.shop).with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"installment_count": 3, "interval": "months", "first_due_date": date(2026, 12, 31)})
        plan = self.env["debt.installment.plan"].browse(wizard.action_create_plan()["res_id"])
        lines = plan.with_user(bookkeeper)._get_agreement_values()["lines"]
        self.assertEqual([line["amount"] for line in lines], [10000.0, 10000.0, 10000.0])
        for line in lines:
            text = decode_qr(base64.b64decode(line["payment"]["qr"].split(",", 1)[1]))
            self.assertEqual(text, (
                "ST00012|Name=ООО «Гараж-Тест»|PersonalAcc=40702810900000012345|BankName=ПАО Сбербанк"
                "|BIC=044525225|CorrespAcc=30101810400000000225|Sum=1000000"
                f"|Purpose=Платёж {line['number']} по соглашению о рассрочке {plan.name}"
                "|PayeeINN=7701234567|KPP=770101001"
            ))  # the payer's address and name gave way to the purpose within 300 bytes
