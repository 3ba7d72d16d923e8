"""The reconciliation act (акт сверки) and the requisites of the customer statement."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RussianShopCommon, render_pdf_text, shop_user

ACT_DAY = date(2026, 6, 30)
WIZARD = "debt.reconciliation.act.wizard"
REPORT = "auto_service_debt.action_report_reconciliation_act"


@tagged("post_install", "-at_install")
class TestReconciliationAct(RussianShopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.setup_other_company(name="Garage North")["company"]
        cls.service = cls._service_product("Ремонтные работы", list_price=1.0)
        cls.firm = cls.env["res.partner"].create({
            "name": "ООО «ТрансЛогистик»", "lang": "ru_RU", "is_company": True,
            "street": "ул. Промышленная, д. 3", "city": "Подольск", "vat": "5036000000",
            "debt_kpp": "503601001", "company_registry": "1035000000003",
            "country_id": cls.env.ref("base.ru").id,
        })
        cls.driver = cls.env["res.partner"].create({
            "name": "Водитель Смирнов", "parent_id": cls.firm.id, "type": "contact",
        })
        cls.foreign = cls.env["res.partner"].create({
            "name": "Nordic Fleet Ltd", "lang": "en_US", "is_company": True,
            "street": "1 Harbour Road", "city": "Tallinn", "vat": "EE100000001",
        })
        # Before the period (1 March - 31 May 2026): opening 100 000 - 40 000 = 60 000.
        cls.inv_0 = cls._invoice(cls.firm, 100000.0, date(2026, 2, 15), invoice_date=date(2026, 1, 15))
        cls._pay(cls.inv_0, 40000.0, on=date(2026, 2, 20))
        # In the period: an invoice partly paid, a credit note, an invoice in two installments
        # booked by a contact of the customer.
        cls.inv_1 = cls._invoice(cls.firm, 50000.50, date(2026, 3, 20), invoice_date=date(2026, 3, 10))
        cls.pay_1 = cls._pay(cls.inv_1, 20000.0, on=date(2026, 4, 5))
        cls.refund = cls.env["account.move"].create({
            "move_type": "out_refund", "partner_id": cls.firm.id, "company_id": cls.company.id,
            "invoice_date": date(2026, 4, 15),
            "invoice_line_ids": [Command.create({
                "product_id": cls.service.id, "quantity": 1, "price_unit": 5000.0,
                "tax_ids": [Command.clear()],
            })],
        })
        cls.refund.action_post()
        term = cls.env["account.payment.term"].create({
            "name": "Half now, half in 30 days",
            "line_ids": [
                Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 0}),
                Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 30}),
            ],
        })
        cls.inv_2 = cls._invoice(cls.driver, 30000.0, None, invoice_date=date(2026, 5, 20), term=term)
        # Not posted or cancelled: not in the act.
        cls._invoice(cls.firm, 7000.0, date(2026, 4, 30), invoice_date=date(2026, 4, 20), post=False)
        cls._invoice(cls.firm, 8000.0, date(2026, 4, 30), invoice_date=date(2026, 4, 21)).button_cancel()
        # After the period.
        cls.inv_3 = cls._invoice(cls.firm, 12000.0, date(2026, 6, 20), invoice_date=date(2026, 6, 10))
        cls._pay(cls.inv_3, 10000.0, on=date(2026, 6, 20))
        # The same customer in the other company.
        cls._invoice(cls.firm, 99000.0, date(2026, 3, 25), invoice_date=date(2026, 3, 15),
                     company=cls.other_company)
        # The foreign customer.
        cls.inv_f = cls._invoice(cls.foreign, 2500.0, date(2026, 4, 11), invoice_date=date(2026, 4, 1))
        cls.bookkeeper = shop_user(cls.env, "bookkeeper", company=cls.company)
        cls.advisor = shop_user(cls.env, "advisor", company=cls.company)
        cls.stranger = shop_user(cls.env, "bookkeeper", login="north_bookkeeper", company=cls.other_company)

    def _wizard(self, user, partner, date_from=date(2026, 3, 1), date_to=date(2026, 5, 31), company=None):
        company = company or self.company
        return self.env[WIZARD].with_user(user).with_context(allowed_company_ids=company.ids).create({
            "partner_id": partner.id, "company_id": company.id,
            "date_from": date_from, "date_to": date_to,
        })

    def _balance_until(self, partner, day):
        """The customer's receivable balance on ``day``, read independently of the act:
        the sum of the balances of its receivable lines dated up to that day."""
        domain = self.env["debt.position"]._due_line_domain(self.company, partner, open_only=False)
        [(total,)] = self.env["account.move.line"]._read_group(
            domain + [("date", "<=", day)], [], ["balance:sum"]
        )
        return self.company.currency_id.round(total)

    # ------------------------------------------------------------------
    @freeze_time(ACT_DAY)
    def test_act_of_a_past_period_as_the_bookkeeper(self):
        values = self._wizard(self.bookkeeper, self.driver)._get_reconciliation_act_values()
        self.assertEqual(values["partner"], self.firm)
        self.assertEqual(values["opening"], 60000.00)
        self.assertEqual((values["opening_debit"], values["opening_credit"]), (60000.00, 0.0))
        pay_move = self.pay_1.move_id
        self.assertEqual(
            [(r["number"], r["kind"], r["date"], r["debit"], r["credit"]) for r in values["rows"]],
            [
                (self.inv_1.name, "invoice", date(2026, 3, 10), 50000.50, 0.0),
                (pay_move.name, "payment", date(2026, 4, 5), 0.0, 20000.00),
                (self.refund.name, "credit_note", date(2026, 4, 15), 0.0, 5000.00),
                # two installments, one document
                (self.inv_2.name, "invoice", date(2026, 5, 20), 30000.00, 0.0),
            ],
        )
        self.assertEqual((values["debit"], values["credit"]), (80000.50, 25000.00))
        self.assertEqual(values["closing"], 115000.50)
        self.assertEqual(
            round(values["opening"] + values["debit"] - values["credit"], 2), values["closing"]
        )
        self.assertEqual(values["closing"], self._balance_until(self.firm, date(2026, 5, 31)))
        self.assertEqual(values["in_favour_of"], "company")
        self.assertEqual(values["currency_label"], "руб.")
        self.assertEqual(values["closing_words"], "Сто пятнадцать тысяч рублей, пятьдесят копеек")
        requisites = values["requisites"]
        self.assertEqual(
            {k: requisites["company"][k] for k in ("name", "vat", "kpp", "registry")},
            {"name": "ООО «Гараж-Тест»", "vat": "7701234567", "kpp": "770101001",
             "registry": "1027700000001"},
        )
        self.assertEqual(requisites["company"]["bank"]["acc_number"], "40702810900000012345")
        self.assertEqual(requisites["company"]["signatory"],
                         {"title": "Генеральный директор", "name": "Петров П. П."})
        self.assertEqual(
            {k: requisites["customer"][k] for k in ("name", "vat", "kpp", "registry")},
            {"name": "ООО «ТрансЛогистик»", "vat": "5036000000", "kpp": "503601001",
             "registry": "1035000000003"},
        )

    @freeze_time(ACT_DAY)
    def test_act_up_to_today_equals_the_position(self):
        wizard = self.env[WIZARD].with_user(self.bookkeeper).with_context(
            allowed_company_ids=self.company.ids, active_model="res.partner", active_id=self.driver.id,
        ).create({})
        self.assertEqual(wizard.partner_id, self.firm)
        self.assertEqual((wizard.date_from, wizard.date_to), (date(2026, 1, 1), ACT_DAY))
        values = wizard._get_reconciliation_act_values()
        position = self.env["debt.position"]._get_positions(self.firm, self.company, ACT_DAY)[self.firm.id]
        self.assertEqual(values["opening"], 0.0)
        self.assertEqual(values["debit"], 100000.00 + 50000.50 + 30000.00 + 12000.00)
        self.assertEqual(values["credit"], 40000.00 + 20000.00 + 5000.00 + 10000.00)
        self.assertEqual(values["closing"], 117000.50)
        self.assertEqual(values["closing"], position["receivable"])
        self.assertEqual(len(values["rows"]), 8)

    @freeze_time(ACT_DAY)
    def test_credit_balance_and_no_debt(self):
        # an overpayment: the debt is in favour of the customer
        self._pay(self.inv_f, 3000.0, on=date(2026, 4, 20))
        values = self._wizard(self.bookkeeper, self.foreign)._get_reconciliation_act_values()
        self.assertEqual((values["closing"], values["closing_debit"], values["closing_credit"]),
                         (-500.00, 0.0, 500.00))
        self.assertEqual(values["in_favour_of"], "customer")
        values = self._wizard(self.bookkeeper, self.foreign, date_to=date(2026, 3, 31))._get_reconciliation_act_values()
        self.assertEqual((values["closing"], values["in_favour_of"], values["rows"]), (0.0, False, []))

    @freeze_time(ACT_DAY)
    def test_roles(self):
        # The advisor (a viewer who sees only the sales team's own invoices) prints the
        # same act: it does not depend on the printing user's sales rules.
        self.assertFalse(self.env["account.move"].with_user(self.advisor).search([("id", "=", self.inv_1.id)]))
        values = self._wizard(self.advisor, self.firm)._get_reconciliation_act_values()
        self.assertEqual(values["closing"], 115000.50)
        self.assertEqual(len(values["rows"]), 4)
        # A user of the other company may not print an act of this company.
        with self.assertRaises(AccessError):
            self._wizard(self.stranger, self.firm, company=self.company)
        with self.assertRaises(AccessError):
            self.env[WIZARD].with_user(self.stranger).with_context(
                allowed_company_ids=self.other_company.ids
            ).create({"partner_id": self.firm.id, "company_id": self.company.id})._get_reconciliation_act_values()
        # In their own company they see only their company's documents.
        values = self._wizard(self.stranger, self.firm, company=self.other_company)._get_reconciliation_act_values()
        self.assertEqual((values["opening"], values["closing"]), (0.0, 99000.00))
        # Somebody without a debt role has no act at all.
        nobody = self.env["res.users"].with_context(no_reset_password=True).create({
            "login": "plain_user", "name": "Plain User", "company_id": self.company.id,
            "company_ids": [Command.set(self.company.ids)],
            "groups_id": [Command.set(self.env.ref("base.group_user").ids)],
        })
        with self.assertRaises(AccessError):
            self._wizard(nobody, self.firm)
        # A period ending before it starts is refused with the customer named.
        with self.assertRaises(UserError) as err:
            self._wizard(self.bookkeeper, self.firm, date_from=date(2026, 6, 1)).action_print()
        self.assertIn("ООО «ТрансЛогистик»", str(err.exception))

    @freeze_time(ACT_DAY)
    def test_defaults_from_a_case(self):
        case = self.env["debt.collection.case"].sudo().with_context(debt_no_entry_actions=True).create({
            "partner_id": self.firm.id, "company_id": self.company.id,
        })
        wizard = self.env[WIZARD].with_user(self.bookkeeper).with_context(
            allowed_company_ids=self.company.ids, active_model="debt.collection.case", active_id=case.id,
        ).create({})
        self.assertEqual((wizard.partner_id, wizard.company_id), (self.firm, self.company))
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "auto_service_debt.report_reconciliation_act")

    @freeze_time(ACT_DAY)
    def test_pdf_russian(self):
        wizard = self._wizard(self.bookkeeper, self.firm)
        values = wizard._get_reconciliation_act_values()
        text = render_pdf_text(self.env(user=self.bookkeeper), REPORT, wizard.ids)
        words = values["closing_words"]
        for expected in (
            "Акт сверки взаимных расчётов за период с 01.03.2026 по 31.05.2026 "
            "между ООО «Гараж-Тест» и ООО «ТрансЛогистик»",
            "По данным ООО «Гараж-Тест»", "По данным ООО «ТрансЛогистик»",
            "Сальдо на начало периода", "Обороты за период", "Сальдо на конец периода",
            "Реализация (акт, накладная)", f"№ {self.inv_1.name} от 10.03.2026",
            "Оплата (платёжное поручение)", f"№ {self.pay_1.move_id.name} от 05.04.2026",
            f"На 31.05.2026 задолженность в пользу ООО «Гараж-Тест» составляет 115 000,50 руб. ({words}).",
            "ИНН/КПП: 7701234567 / 770101001", "ОГРН: 1027700000001",
            "ИНН/КПП: 5036000000 / 503601001", "ОГРН: 1035000000003", "М.П.",
        ):
            self.assertIn(expected, text)
        for expected in (
            "ООО «Гараж-Тест»", "ООО «ТрансЛогистик»", "01.03.2026", "31.05.2026",
            self.inv_1.name, self.refund.name, self.inv_2.name,
            "60 000,00", "50 000,50", "20 000,00", "80 000,50", "25 000,00", "115 000,50 руб.",
            values["closing_words"],
            # both requisites blocks
            "7701234567", "770101001", "1027700000001", "40702810900000012345", "044525225",
            "Генеральный директор", "Петров П. П.",
            "5036000000", "503601001", "1035000000003", "Подольск",
        ):
            self.assertIn(expected, text)
        self.assertNotIn(self.inv_3.name, text)
        self.assertNotIn("99 000,00", text)

    @freeze_time(ACT_DAY)
    def test_pdf_english(self):
        wizard = self._wizard(self.bookkeeper, self.foreign)
        values = wizard._get_reconciliation_act_values()
        self.assertEqual(values["currency_label"], "RUB")
        words = self.company.currency_id.with_context(lang="en_US").amount_to_text(2500.0)
        self.assertEqual(values["closing_words"], words)
        text = render_pdf_text(self.env(user=self.bookkeeper), REPORT, wizard.ids)
        for expected in (
            "Reconciliation act of mutual settlements",
            "for the period from 03/01/2026 to 05/31/2026",
            "between ООО «Гараж-Тест» and Nordic Fleet Ltd",
            "According to ООО «Гараж-Тест»", "According to Nordic Fleet Ltd",
            "Sale (act, delivery note)", f"No. {self.inv_f.name} dated 04/01/2026",
            "Opening balance", "Turnover for the period", "Closing balance",
            f"As of 05/31/2026 the debt in favour of ООО «Гараж-Тест» amounts to 2,500.00 RUB ({words}).",
            "INN/KPP: 7701234567 / 770101001", "OGRN: 1027700000001", "Account: 40702810900000012345",
            "Генеральный директор", "Петров П. П.",
            "Nordic Fleet Ltd", "INN/KPP: EE100000001", "Tallinn", "L.S.",
        ):
            self.assertIn(expected, text)

    @freeze_time(ACT_DAY)
    def test_statement_prints_the_requisites(self):
        partner = self.firm.with_context(debt_statement_date_from="2026-03-01")
        values = partner._get_debt_statement_values(self.company)[self.firm.id]
        self.assertEqual(values["closing"], 117000.50)
        self.assertEqual(values["requisites"]["company"]["bank"]["bic"], "044525225")
        text = render_pdf_text(
            self.env(context=dict(self.env.context, debt_statement_date_from="2026-03-01")),
            "auto_service_debt.action_report_customer_statement", self.firm.ids,
        )
        for expected in ("117 000,50", "7701234567", "770101001", "1027700000001",
                         "40702810900000012345", "Петров П. П.", "5036000000", "503601001"):
            self.assertIn(expected, text)
