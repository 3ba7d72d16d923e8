"""The claim letter as users print it: through the running server, with the styles of
the company layout, and searchable (one font for Cyrillic, Latin and digits)."""

import re
import subprocess

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from ..models.ir_actions_report import _footer_supported
from .common import shop_user
from .test_claim_letter import CLAIM_DAY, ClaimLetterCommon


@tagged("post_install", "-at_install", "asd_tour")
class TestClaimLetterStyled(ClaimLetterCommon, HttpCase):
    def _styled_pdf(self, claim, user):
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        pdf, kind = self.env["ir.actions.report"].with_user(user).with_context(
            force_report_rendering=True
        )._render_qweb_pdf("auto_service_debt.action_report_claim_letter", claim.ids)
        self.assertEqual(kind, "pdf")
        return pdf

    @staticmethod
    def _text(pdf):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                              capture_output=True, check=True).stdout.decode()
        return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())

    @staticmethod
    def _fonts(pdf):
        out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        return {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in out.splitlines()[2:] if line.strip()}

    def test_styled_claim_letter_is_complete_and_searchable(self):
        bookkeeper = shop_user(self.env, "bookkeeper", login="styled_bookkeeper", company=self.company)
        owner = shop_user(self.env, "owner", login="styled_owner", company=self.company)
        with freeze_time(CLAIM_DAY):
            claim = self._print(self.case_person, bookkeeper)
            pdf = self._styled_pdf(claim, bookkeeper)
        text = self._text(pdf)
        for expected in (
            "ПРЕТЕНЗИЯ", f"Исх. № {claim.name}", "от 15.08.2025",
            # the work order with the car's plate and VIN
            f"Заказ-наряд № {self.order.name} от 15.06.2025", "А123ВС777", "XTA21700080012345",
            self.inv_a.name, self.inv_b.name,
            # every amount, in roubles, and the total in words
            "10 000,00", "25 500,00", "5 500,00", "20 000,00", "147,95", "93,70", "69,86",
            "21,92", "187,40", "241,65", "279,18", "30 000,00 руб.", "520,83 руб.", "30 520,83 руб.",
            "Тридцать тысяч пятьсот двадцать рублей, восемьдесят три копейки",
            # art. 395 named as what it is
            "Проценты за пользование чужими денежными средствами (ст. 395 ГК РФ)",
            # the deadline and the signatory
            "в течение 10 календарных дней с даты получения настоящей претензии",
            "Генеральный директор", "Петров П. П.",
            "40702810900000012345", "044525225", "7701234567",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("неустойк", text.lower())
        # numbered pages: the layout's footer, or the addon's stamp where wkhtmltopdf cannot
        # print footers
        if _footer_supported():
            self.assertRegex(text, r"\b1 / [2-9]\b")
        else:
            self.assertRegex(text, r"Страница 1 из [2-9]")
            self.assertRegex(text, r"Страница 2 из [2-9]")
        # one font family for Cyrillic, Latin and digits (no web font without Cyrillic)
        fonts = self._fonts(pdf)
        self.assertTrue(fonts, "no font in the PDF")
        self.assertTrue(all(name.startswith("DejaVuSans") for name in fonts), fonts)
        # the owner's print of the same claim is the same document
        with freeze_time(CLAIM_DAY):
            self.assertEqual(self._styled_pdf(claim, owner), pdf)
