"""The customer's portal page "My debt" through the running server: a portal user sees
its own items, schedule and claims in every company it deals with, and none of another
customer's; the documents of another customer are a 404."""

import subprocess
from datetime import timedelta

from lxml import html

from odoo import fields, tools
from odoo.tests import HttpCase, new_test_user, tagged

from .common import UNSTYLED_REPORT_URL, RussianShopCommon, ensure_http_server

ALFA = "ООО «Альфа-Сервис»"
BETA = "ООО «Бета-Логистик»"


class PortalDebtCommon(RussianShopCommon, HttpCase):
    """Two customers of the Russian shop, each with a portal user. Alfa (whose user is
    a contact of the company) has an overdue invoice with a contractual penalty, an open
    case and an issued claim, and an invoice in a confirmed plan whose first installment
    is paid. Beta has the same kind of records, and an invoice in a second company."""

    @classmethod
    def setUpClass(cls):
        ensure_http_server()
        super().setUpClass()
        env = cls.env
        cls.today = today = fields.Date.context_today(env.user)
        env.user.groups_id += env.ref("auto_service_debt.group_debt_manager")
        # documents render without fetching the styles from the server that serves them
        env["ir.config_parameter"].sudo().set_param("report.url", UNSTYLED_REPORT_URL)
        cls.service = cls._service_product("Ремонтные работы", list_price=1.0)
        # the shop's account makes payment QR codes
        cls.company.qr_code = True
        cls.company.partner_id.bank_ids.bank_id.debt_corr_account = "30101810400000000225"
        cls.other_company = cls.setup_other_company(name="Garage North")["company"]
        # Odoo's demo payment provider, in test mode, in the shop
        demo = env.ref("payment.payment_provider_demo").sudo()
        provider = demo.search([("code", "=", "demo"), ("company_id", "=", cls.company.id)], limit=1) \
            or demo.copy({"company_id": cls.company.id})
        provider.write({"state": "test", "is_published": True})
        cls.provider = provider
        policy = env["debt.penalty.policy"].create({
            "name": "Неустойка 0,1 %", "kind": "contract", "daily_percent": 0.1, "company_id": cls.company.id,
        })
        penalty_terms = {
            "debt_penalty_policy_id": policy.id, "debt_penalty_clause_signed": True,
            "debt_penalty_contract_ref": "Договор № 7 от 10.01.2025",
        }
        cls.alfa = cls._customer(ALFA, lang="ru_RU", policy=penalty_terms)
        cls.alfa_contact = cls._customer("Петров Алексей", is_company=False, lang="ru_RU", parent_id=cls.alfa.id)
        cls.beta = cls._customer(BETA, lang="ru_RU", policy=penalty_terms)
        cls.user_alfa = cls._portal_user("portal_alfa", cls.alfa_contact)
        cls.user_beta = cls._portal_user("portal_beta", cls.beta)

        cls.inv_a1 = cls._invoice(cls.alfa, 30000.0, today - timedelta(days=45))
        cls.inv_a2 = cls._invoice(cls.alfa_contact, 24000.0, today - timedelta(days=20))
        cls.inv_b1 = cls._invoice(cls.beta, 15000.0, today - timedelta(days=30))
        cls.inv_b2 = cls._invoice(cls.beta, 12000.0, today - timedelta(days=15))
        cls.inv_b_north = cls._invoice(cls.beta, 5000.0, today - timedelta(days=5), company=cls.other_company)
        cls._run(today, steps=["penalties"])

        cls.plan_a = cls._plan(cls.inv_a2, 3, cls.today + timedelta(days=7))
        cls._pay(cls.inv_a2, 8000.0, on=today)
        cls.plan_b = cls._plan(cls.inv_b2, 2, cls.today + timedelta(days=7))
        Case = env["debt.collection.case"].with_context(debt_no_entry_actions=True)
        cls.case_a = Case.create({"partner_id": cls.alfa.id, "company_id": cls.company.id})
        cls.case_b = Case.create({"partner_id": cls.beta.id, "company_id": cls.company.id})
        Claim = env["debt.claim"]
        cls.claim_a = Claim._debt_issue(cls.alfa, cls.company, case=cls.case_a)
        cls.claim_b = Claim._debt_issue(cls.beta, cls.company, case=cls.case_b)

    @classmethod
    def _portal_user(cls, login, partner):
        return new_test_user(
            cls.env, login, password=login, groups="base.group_portal", partner_id=partner.id,
            lang="ru_RU", company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)],
            context={"no_reset_password": True},
        )


@tagged("post_install", "-at_install")
class TestPortalDebt(PortalDebtCommon):

    def _page(self, user, url="/my/debt"):
        self.authenticate(user.login, user.login)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response.text, html.fromstring(response.content)

    @staticmethod
    def _receivable_lines(invoices):
        return invoices.line_ids.filtered(lambda aml: aml.account_id.account_type == "asset_receivable")

    def _status(self, user, url):
        self.authenticate(user.login, user.login)
        return self.url_open(url, allow_redirects=False).status_code

    def test_fixtures(self):
        """What the page is checked against, as the addon's own readers see it."""
        self.assertEqual(self.claim_a.state, "issued")
        self.assertEqual(self.claim_a.line_ids.move_id, self.inv_a1, "the plan's invoice is not claimed")
        first, second, third = self.plan_a.line_ids.sorted("due_date")
        self.assertEqual((first.paid_amount, first.state), (8000.0, "paid"))
        self.assertEqual((second.left_amount, third.left_amount), (8000.0, 8000.0))
        self.assertEqual(self.plan_a.next_due_date, second.due_date)

    def test_page_shows_own_items_schedule_and_claims(self):
        text, doc = self._page(self.user_alfa)
        blocks = doc.xpath("//section[contains(@class, 'o_debt_portal_company')]")
        self.assertEqual([int(b.get("data-company-id")) for b in blocks], self.company.ids,
                         "Alfa deals with the shop only")
        rows = {
            row.xpath("string(td[@name='number'])").split()[0]: " ".join(row.xpath("string(td[@name='days_late'])").split())
            for row in doc.xpath("//tr[contains(@class, 'o_debt_item')]")
        }
        # the overdue invoice with its days late; the invoice in the plan is not late
        self.assertEqual(rows, {self.inv_a1.name: "45", self.inv_a2.name: "-"})
        # the links to Odoo's invoice page, where the customer pays it
        links = doc.xpath(f"//tr[@data-line-id]//a[contains(@href, '/my/invoices/{self.inv_a1.id}?access_token=')]")
        self.assertEqual(len(links), 2, "the number and the Pay button")
        # the accrued penalty, as the addon reads it
        line = self._receivable_lines(self.inv_a1)
        penalty = self.env["debt.collection.case"]._debt_penalties_by_line(line)[line.id]
        self.assertGreater(penalty, 0.0)
        cell = doc.xpath(f"string(//tr[@data-line-id='{line.id}']/td[@name='penalty'])")
        self.assertEqual(" ".join(cell.split()),
                         " ".join(tools.format_amount(self.env(context={"lang": "ru_RU"}), penalty,
                                                      self.company.currency_id).split()))
        # the schedule: paid, left, the next installment and its pay-now link
        first, second, third = self.plan_a.line_ids.sorted("due_date")
        states = [" ".join(r.xpath("string(td[@name='installment_state'])").split())
                  for r in doc.xpath("//tr[contains(@class, 'o_debt_installment')]")]
        self.assertEqual(states, ["Оплачено", "К оплате", "К оплате"])
        self.assertEqual(
            [int(r.get("data-installment-id")) for r in doc.xpath("//tr[contains(@class, 'o_debt_installment_next')]")],
            second.ids,
        )
        pay = doc.xpath("//a[contains(@class, 'o_debt_pay_installment')]/@href")
        self.assertEqual(pay, [f"/my/debt/pay/installment/{line.id}?access_token="
                               f"{self.env['debt.pay.link']._debt_token('installment', line.id)}"
                               for line in (second, third)])
        # the case pays all overdue; the QR codes of the block and of the two installments left
        self.assertEqual(doc.xpath("//a[contains(@class, 'o_debt_pay_all')]/@href"),
                         [f"/my/debt/pay/case/{self.case_a.id}?access_token="
                          f"{self.env['debt.pay.link']._debt_token('case', self.case_a.id)}"])
        self.assertEqual(len(doc.xpath("//div[contains(@class, 'o_debt_portal_qr')]/img[starts-with(@src, 'data:image')]")), 3)
        # the claim and the act to download
        self.assertEqual(doc.xpath("//tr[contains(@class, 'o_debt_claim')]/td[@name='claim_number']/text()"),
                         [self.claim_a.name])
        self.assertIn(f"/my/debt/claim/{self.claim_a.id}/pdf", text)
        self.assertIn(f"/my/debt/act/{self.company.id}/pdf", text)
        self.assertIn("Моя задолженность", text)
        # nothing of Beta's (whose invoice in the other company may bear the number of one
        # of Alfa's: the lines are told by their ids)
        self.assertEqual({int(i) for i in doc.xpath("//tr[@data-line-id]/@data-line-id")},
                         set(self._receivable_lines(self.inv_a1 | self.inv_a2).ids))
        for foreign in (self.inv_b1.name, self.inv_b2.name, self.claim_b.name, self.plan_b.name,
                        BETA, "Garage North"):
            self.assertFalse(foreign in text, f"{foreign} is on Alfa's page")

    def test_other_customer_sees_its_companies(self):
        _text, doc = self._page(self.user_beta)
        blocks = doc.xpath("//section[contains(@class, 'o_debt_portal_company')]")
        self.assertEqual([int(b.get("data-company-id")) for b in blocks],
                         sorted((self.company | self.other_company).ids))
        numbers = {row.xpath("string(td[@name='number'])").split()[0]
                   for row in doc.xpath("//tr[contains(@class, 'o_debt_item')]")}
        self.assertEqual(numbers, {self.inv_b1.name, self.inv_b2.name, self.inv_b_north.name})
        # the company without a claim or a plan says so
        north = doc.xpath(f"//section[@data-company-id='{self.other_company.id}']")[0]
        self.assertTrue(north.xpath(".//p[contains(@class, 'o_debt_no_plan')]"))
        self.assertTrue(north.xpath(".//p[contains(@class, 'o_debt_no_claim')]"))
        self.assertFalse(north.xpath(".//table[contains(@class, 'o_debt_claims')]"))

    def test_home_entry_and_counter(self):
        text, _doc = self._page(self.user_alfa, "/my")
        self.assertIn('href="/my/debt"', text)
        self.assertIn("Моя задолженность", text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["debt_count"]})
        # two open items and one claim
        self.assertEqual(counters["debt_count"], 3)

    def test_nothing_owed(self):
        nobody = self._customer("ООО «Без долгов»", lang="ru_RU")
        user = self._portal_user("portal_nobody", nobody)
        text, doc = self._page(user)
        self.assertFalse(doc.xpath("//section[contains(@class, 'o_debt_portal_company')]"))
        self.assertTrue(doc.xpath("//p[contains(@class, 'o_debt_portal_nothing')]"))
        self.assertNotIn(self.inv_a1.name, text)

    def test_other_customers_documents_are_not_found(self):
        b_installment = self.plan_b.line_ids[:1]
        a_installment = self.plan_a.line_ids.sorted("due_date")[1]
        a_token = self.env["debt.pay.link"]._debt_token("installment", a_installment.id)
        for url in (
            f"/my/debt/claim/{self.claim_b.id}/pdf",
            f"/my/debt/claim/{self.claim_b.id + 1000}/pdf",
            f"/my/debt/act/{self.other_company.id}/pdf",
            f"/my/debt/act/{self.other_company.id + 1000}/pdf",
            f"/my/debt/pay/installment/{b_installment.id}",
            f"/my/debt/pay/installment/{b_installment.id}?access_token={a_token}",
        ):
            self.assertEqual(self._status(self.user_alfa, url), 404, url)
        # a cancelled claim is no document of the customer's any more
        self.claim_b.action_cancel()
        self.assertEqual(self._status(self.user_beta, f"/my/debt/claim/{self.claim_b.id}/pdf"), 404)
        # not logged in: the login page
        self.authenticate(None, None)
        response = self.url_open(f"/my/debt/claim/{self.claim_a.id}/pdf")
        self.assertIn("/web/login", response.url)
        self.assertNotIn(b"%PDF", response.content)

    def _document_text(self, response):
        """The text of a downloaded document: a PDF, or the HTML Odoo's test mode renders
        instead of a PDF."""
        self.assertEqual(response.status_code, 200)
        if tools.config["test_enable"]:
            self.assertIn("text/html", response.headers["Content-Type"])
            return " ".join(html.fromstring(response.content).text_content().split())
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=response.content,
                              capture_output=True, check=True).stdout.decode()
        return " ".join(text.replace("\u00a0", " ").split())

    def test_own_documents_download(self):
        self.authenticate(self.user_alfa.login, self.user_alfa.login)
        text = self._document_text(self.url_open(f"/my/debt/claim/{self.claim_a.id}/pdf"))
        self.assertIn(self.claim_a.name, text)
        self.assertIn(self.inv_a1.name, text)
        # the first print is kept: the claim's PDF is the same document from now on
        self.assertTrue(self.claim_a.pdf_attachment_id or tools.config["test_enable"])
        text = self._document_text(self.url_open(f"/my/debt/act/{self.company.id}/pdf"))
        self.assertIn(ALFA, text)
        self.assertNotIn(BETA, text)
        # the act's rows are the customer's documents of this year
        if self.inv_a1.invoice_date.year == self.today.year:
            self.assertIn(self.inv_a1.name, text)

    def test_page_reads_in_a_few_queries(self):
        """The lines are read set-based: more invoices, the same number of queries."""
        self.authenticate(self.user_alfa.login, self.user_alfa.login)

        def count():
            self.env.flush_all()
            before = self.cr.sql_log_count
            self.assertEqual(self.url_open("/my/debt").status_code, 200)
            return self.cr.sql_log_count - before

        count()  # the caches of templates and assets, the invoices' access tokens
        few = count()
        for days in (50, 60, 70, 80):
            self._invoice(self.alfa, 1000.0, self.today - timedelta(days=days))
        count()
        self.assertEqual(count(), few, "a query per open item")
