from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import UNSTYLED_REPORT_URL, RussianShopCommon, render_pdf_text

CLAIM_DAY = date(2025, 8, 15)


class ClaimLetterCommon(RussianShopCommon):
    """A Russian shop in roubles, an individual with art. 395 interest and a business with
    a contractual penalty, their work orders, cars and overdue invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The test user sets up policies like the shop's owner does.
        cls.env.user.groups_id += cls.env.ref("auto_service_debt.group_debt_manager")
        cls.key_rate_policy = cls.env.ref("auto_service_debt.debt_penalty_policy_key_rate")
        cls.contract_policy = cls.env["debt.penalty.policy"].create({
            "name": "Неустойка 0,1 %", "kind": "contract", "daily_percent": 0.1,
            "company_id": cls.company.id,
        })
        brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Lada"})
        model = cls.env["fleet.vehicle.model"].create({"name": "Vesta", "brand_id": brand.id})
        cls.person = cls.env["res.partner"].create({
            "name": "Иванов Сергей Петрович", "lang": "ru_RU", "is_company": False,
            "street": "ул. Тверская, д. 12, кв. 5", "city": "Москва",
            "country_id": cls.env.ref("base.ru").id,
        })
        cls.firm = cls.env["res.partner"].create({
            "name": "ООО «ТрансЛогистик»", "lang": "ru_RU", "is_company": True,
            "street": "ул. Промышленная, д. 3", "city": "Подольск", "vat": "5036000000",
            "debt_kpp": "503601001", "country_id": cls.env.ref("base.ru").id,
        })
        cls.firm.with_company(cls.company).write({
            "debt_penalty_policy_id": cls.contract_policy.id,
            "debt_penalty_clause_signed": True,
            "debt_penalty_contract_ref": "Договор № 15/2025 от 10.01.2025",
        })
        cls.person.with_company(cls.company).debt_penalty_policy_id = cls.key_rate_policy
        cls.car = cls.env["fleet.vehicle"].create({
            "model_id": model.id, "license_plate": "А123ВС777", "vin_sn": "XTA21700080012345",
            "debt_customer_id": cls.person.id, "debt_owner_id": cls.person.id,
            "company_id": cls.company.id,
        })
        cls.truck = cls.env["fleet.vehicle"].create({
            "model_id": model.id, "license_plate": "В456ОР750", "vin_sn": "Z94CB41AAGR123456",
            "debt_customer_id": cls.firm.id, "debt_owner_id": cls.firm.id,
            "company_id": cls.company.id,
        })
        cls.service = cls._service_product("Ремонтные работы", list_price=1.0)
        # Individual: art. 395 interest. One invoice from a work order, one partly paid.
        cls.order = cls.env["sale.order"].create({
            "partner_id": cls.person.id, "debt_vehicle_id": cls.car.id,
            "date_order": "2025-06-15 10:00:00",
            "order_line": [Command.create({
                "product_id": cls.service.id, "product_uom_qty": 1, "price_unit": 10000.0,
                "tax_id": [Command.clear()],
            })],
        })
        cls.order.action_confirm()
        cls.order.date_order = "2025-06-15 10:00:00"
        cls.inv_a = cls.order._create_invoices()
        cls.inv_a.write({"invoice_date": date(2025, 6, 20), "invoice_date_due": date(2025, 6, 30)})
        cls.inv_a.action_post()
        cls.inv_b = cls._invoice(cls.person, 25500.0, date(2025, 7, 20), invoice_date=date(2025, 7, 10), debt_vehicle_id=cls.car.id)
        cls._pay(cls.inv_b, 5500.0, on=date(2025, 7, 25))
        # Company: contractual penalty 0.1 % per day.
        cls.inv_c = cls._invoice(cls.firm, 150000.0, date(2025, 7, 15), invoice_date=date(2025, 7, 5), debt_vehicle_id=cls.truck.id)
        cls.inv_d = cls._invoice(cls.firm, 48300.50, date(2025, 8, 1), invoice_date=date(2025, 7, 22), debt_vehicle_id=cls.truck.id)
        # Not yet due on the claim day: not claimed.
        cls.inv_e = cls._invoice(cls.firm, 7000.0, date(2025, 8, 20), invoice_date=date(2025, 8, 10), debt_vehicle_id=cls.truck.id)
        Case = cls.env["debt.collection.case"].with_context(debt_no_entry_actions=True)
        cls.case_person = Case.create({"partner_id": cls.person.id, "company_id": cls.company.id})
        cls.case_firm = Case.create({"partner_id": cls.firm.id, "company_id": cls.company.id})
        cls.collector = new_test_user(
            cls.env, login="claim_collector", company_id=cls.company.id,
            groups="base.group_user,auto_service_debt.group_debt_collector,account.group_account_invoice",
        )
        cls.viewer = new_test_user(
            cls.env, login="claim_viewer", company_id=cls.company.id,
            groups="base.group_user,auto_service_debt.group_debt_user",
        )

    def _render(self, claim):
        return render_pdf_text(self.env, "auto_service_debt.action_report_claim_letter", claim.ids)

    def _print(self, case, user=None):
        case = case.with_user(user) if user else case
        action = case.action_debt_print_claim()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], "auto_service_debt.report_claim_letter")
        return self.env["debt.claim"].browse(action["context"]["active_ids"])



@tagged("post_install", "-at_install")
class TestClaimLetter(ClaimLetterCommon):
    @freeze_time(CLAIM_DAY)
    def test_individual_claim_values_and_pdf(self):
        claim = self._print(self.case_person, self.collector)
        values = claim._get_claim_letter_values()
        self.assertEqual([i["number"] for i in values["items"]], [self.inv_a.name, self.inv_b.name])
        self.assertEqual([i["left"] for i in values["items"]], [10000.00, 20000.00])
        self.assertEqual([i["paid"] for i in values["items"]], [0.00, 5500.00])
        self.assertEqual([i["days_late"] for i in values["items"]], [46, 26])
        # art. 395 by hand: key rate 20 % to 27 Jul 2025, 18 % from 28 Jul; the payment of
        # 25 Jul counts at the old base, the base falls on 26 Jul.
        periods = [
            [(p["date_from"], p["date_to"], p["days"], p["base"], p["amount"]) for p in block["periods"]]
            for block in values["annex"]
        ]
        self.assertEqual(periods, [
            [(date(2025, 7, 1), date(2025, 7, 27), 27, 10000.00, 147.95),
             (date(2025, 7, 28), date(2025, 8, 15), 19, 10000.00, 93.70)],
            [(date(2025, 7, 21), date(2025, 7, 25), 5, 25500.00, 69.86),
             (date(2025, 7, 26), date(2025, 7, 27), 2, 20000.00, 21.92),
             (date(2025, 7, 28), date(2025, 8, 15), 19, 20000.00, 187.40)],
        ])
        self.assertEqual(values["totals"], {"principal": 30000.00, "penalties": 520.83, "total": 30520.83})
        self.assertEqual(values["deadline_days"], 10)
        self.assertEqual(values["deadline_from"], "receipt")
        self.assertFalse(claim.deadline)  # runs from the sending, not yet recorded
        self.assertEqual(values["legal"]["articles"], ["309", "310", "702", "711", "395"])
        # the collector has no sales rights: the work order is cited all the same
        self.assertEqual(values["basis"]["orders"][0]["number"], self.order.name)
        self.assertEqual(values["basis"]["orders"][0]["plate"], "А123ВС777")
        self.assertEqual(values["basis"]["vehicles"][0]["vin"], "XTA21700080012345")
        self.assertEqual(values["payment"]["acc_number"], "40702810900000012345")

        text = self._render(claim)
        for expected in (
            "ПРЕТЕНЗИЯ", "Иванов Сергей Петрович", "ООО «Гараж-Тест»", "ИНН 7701234567",
            "КПП 770101001", "40702810900000012345", "044525225",
            f"Исх. № {claim.name}", "от 15.08.2025",
            self.order.name, "А123ВС777", "XTA21700080012345",
            self.inv_a.name, "10 000,00", self.inv_b.name, "25 500,00", "5 500,00", "20 000,00",
            "147,95", "93,70", "69,86", "21,92", "187,40",
            "241,65", "279,18", "520,83", "30 000,00 руб.", "30 520,83 руб.",
            "в течение 10 календарных дней с даты получения настоящей претензии",
            "Тридцать тысяч пятьсот двадцать рублей, восемьдесят три копейки",
            "проценты за пользование чужими денежными средствами",
            "309", "310", "395", "ключевой ставке Банка России",
            "в суд", "Генеральный директор", "Петров П. П.",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("неустойк", text.lower())
        self.assertNotIn("RUB", text)
        self.assertNotIn("не позднее", text)
        self.assertNotIn("712", text)
        self.assertNotIn("арбитражный суд", text)
        self.assertNotIn(self.inv_e.name, text)

    @freeze_time(CLAIM_DAY)
    def test_company_claim_pdf(self):
        claim = self._print(self.case_firm, self.collector)
        values = claim._get_claim_letter_values()
        self.assertEqual([i["number"] for i in values["items"]], [self.inv_c.name, self.inv_d.name])
        self.assertEqual(
            [[(p["date_from"], p["date_to"], p["days"], p["amount"]) for p in b["periods"]]
             for b in values["annex"]],
            [[(date(2025, 7, 16), date(2025, 8, 15), 31, 4650.00)],
             [(date(2025, 8, 2), date(2025, 8, 15), 14, 676.21)]],
        )
        self.assertEqual(values["totals"], {"principal": 198300.50, "penalties": 5326.21, "total": 203626.71})
        self.assertEqual((values["deadline_days"], values["deadline_from"]), (30, "sending"))
        self.assertEqual(values["legal"]["articles"], ["309", "310", "702", "711", "330"])
        text = self._render(claim)
        for expected in (
            "ПРЕТЕНЗИЯ", "ООО «ТрансЛогистик»", "ИНН 5036000000", "КПП 503601001",
            f"Исх. № {claim.name}", "Договор № 15/2025 от 10.01.2025",
            self.inv_c.name, "150 000,00", self.inv_d.name, "48 300,50",
            "4 650,00", "676,21", "5 326,21", "198 300,50", "203 626,71 руб.",
            "в течение 30 календарных дней со дня направления настоящей претензии", "Неустойка",
            "309", "310", "330", "арбитражный суд", "АПК РФ",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("395", text)
        self.assertNotIn(self.inv_e.name, text)

    @freeze_time(CLAIM_DAY)
    def test_english_claim_for_english_customer(self):
        self.person.lang = "en_US"
        claim = self._print(self.case_person)
        text = self._render(claim)
        self.assertIn("CLAIM", text)
        self.assertIn("30,520.83 RUB", text)
        self.assertIn("within 10 calendar days of the day you receive this claim", text)
        self.assertIn("Thirty Thousand, Five Hundred And Twenty", text)
        self.assertNotIn("ПРЕТЕНЗИЯ", text)

    # ------------------------------------------------------------------
    def test_numbering(self):
        with freeze_time(CLAIM_DAY):
            first = self._print(self.case_person, self.collector)
            again = self._print(self.case_person, self.collector)
        self.assertEqual(first, again)
        self.assertEqual(self.env["debt.claim"].search_count([("case_id", "=", self.case_person.id)]), 1)
        self.assertRegex(first.name, r"^2025-\d{4}$")
        self.assertEqual(self.case_person.claim_id, first)
        self.assertEqual(self.case_person.claim_number, first.name)
        # issued is not sent: no sending date, no deadline yet
        self.assertFalse(self.case_person.claim_date)
        self.assertFalse(self.case_person.claim_deadline)
        # Reprinted later: still the same claim, same number and dates.
        with freeze_time("2025-08-20"):
            self.assertEqual(self._print(self.case_person, self.collector), first)
        self.assertEqual(first.date, CLAIM_DAY)
        # Another case: the next number.
        with freeze_time(CLAIM_DAY):
            second = self._print(self.case_firm, self.collector)
        self.assertEqual(int(second.name[-4:]), int(first.name[-4:]) + 1)
        self.assertEqual(self.case_firm.claim_number, second.name)
        # A cancelled claim is replaced by a new number on the next print.
        with self.assertRaises(UserError):
            first.with_user(self.collector).action_cancel()
        first.action_cancel()
        self.assertFalse(self.case_person.claim_id)
        with freeze_time("2025-08-20"):
            third = self._print(self.case_person, self.collector)
        self.assertEqual(int(third.name[-4:]), int(second.name[-4:]) + 1)
        self.assertEqual(self.case_person.claim_number, third.name)
        self.assertEqual(third.date, date(2025, 8, 20))

    def _pdf(self, claim, user=None):
        self.env["ir.config_parameter"].sudo().set_param("report.url", UNSTYLED_REPORT_URL)
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        if user:
            Report = Report.with_user(user)
        pdf, _kind = Report._render_qweb_pdf("auto_service_debt.action_report_claim_letter", claim.ids)
        return pdf

    def test_sending_records_the_deadline(self):
        with freeze_time(CLAIM_DAY):
            person_claim = self._print(self.case_person, self.collector)
            firm_claim = self._print(self.case_firm, self.collector)
        with freeze_time("2025-08-18"):
            # registered mail is proven by its tracking number
            with self.assertRaisesRegex(ValidationError, "tracking number"):
                person_claim.with_user(self.collector).write(
                    {"send_channel": "registered_mail", "sent_date": date(2025, 8, 16)})
            with self.assertRaisesRegex(ValidationError, "before it was issued"):
                person_claim.with_user(self.collector).write(
                    {"send_channel": "hand", "sent_date": date(2025, 8, 14)})
            with self.assertRaisesRegex(ValidationError, "future"):
                person_claim.with_user(self.collector).write(
                    {"send_channel": "hand", "sent_date": date(2025, 8, 19)})
            person_claim.with_user(self.collector).write({
                "send_channel": "registered_mail", "sent_date": date(2025, 8, 16),
                "tracking_ref": "10100012345678",
            })
            firm_claim.with_user(self.collector).write({
                "send_channel": "registered_mail", "sent_date": date(2025, 8, 16),
                "tracking_ref": "10100012345679",
            })
        # an individual's term runs from receipt (from sending until it is recorded)
        self.assertEqual(person_claim.deadline, date(2025, 8, 26))
        self.assertEqual(self.case_person.claim_date, date(2025, 8, 16))
        self.assertEqual(self.case_person.claim_tracking, "10100012345678")
        with freeze_time("2025-08-22"):
            person_claim.with_user(self.collector).received_date = date(2025, 8, 21)
        self.assertEqual(person_claim.deadline, date(2025, 8, 31))
        self.assertEqual(self.case_person.claim_deadline, date(2025, 8, 31))
        # a business: 30 calendar days from sending (APK art. 4 §5), whatever the receipt
        with freeze_time("2025-08-22"):
            firm_claim.with_user(self.collector).received_date = date(2025, 8, 20)
        self.assertEqual(firm_claim.deadline, date(2025, 9, 15))
        self.assertIn("10100012345678", self.case_person.message_ids[:1].body)

    def test_issued_claim_is_frozen(self):
        with freeze_time(CLAIM_DAY):
            claim = self._print(self.case_person, self.collector)
            first_pdf = self._pdf(claim, self.collector)
            frozen = claim._get_claim_letter_values()
            # the owner's print of the same claim is the very same document
            self.assertEqual(self._pdf(claim), first_pdf)
            self.assertTrue(claim.pdf_attachment_id)
            self.assertEqual(claim.pdf_attachment_id.raw, first_pdf)
            # what a manager would assemble now is what the collector's issue froze
            self.assertEqual(frozen, claim.with_user(self.env.user)._debt_build_letter_values())
        with self.assertRaisesRegex(UserError, "issued document"):
            claim.with_user(self.collector).write({"date": date(2025, 8, 1)})
        with self.assertRaisesRegex(UserError, "issued document"):
            claim.write({"letter_values": {}})
        # the car is put on hold later: the issued claim does not change ...
        self.case_person.car_held = True
        with freeze_time("2025-08-20"):
            self.assertEqual(self._pdf(claim, self.collector), first_pdf)
            self.assertNotIn("712", claim._get_claim_letter_values()["legal"]["articles"])
            # ... a changed claim is a new claim with a new number that refers to the first
            action = claim.with_user(self.collector).action_reissue()
        newer = self.env["debt.claim"].browse(action["res_id"])
        self.assertNotEqual(newer.name, claim.name)
        self.assertEqual(newer.previous_claim_id, claim)
        self.assertEqual((claim.state, claim.replaced_by_id), ("replaced", newer))
        self.assertEqual(self.case_person.claim_id, newer)
        self.assertIn("712", newer._get_claim_letter_values()["legal"]["articles"])
        with freeze_time("2025-08-20"):
            text = self._render(newer)
        self.assertIn(f"заменяет претензию № {claim.name} от 15.08.2025", text)
        self.assertIn("статьёй 712", text)
        # the replaced claim keeps its PDF and cannot be sent any more
        with freeze_time("2025-08-20"):
            self.assertEqual(self._pdf(claim, self.collector), first_pdf)
        with self.assertRaises(UserError):
            claim.with_user(self.collector).write({"send_channel": "hand", "sent_date": date(2025, 8, 20)})

    def test_interest_after_the_known_rates_is_provisional(self):
        self.company.debt_key_rate_known_until = date(2025, 7, 25)
        with freeze_time(CLAIM_DAY):
            claim = self._print(self.case_person, self.collector)
            values = claim._get_claim_letter_values()
            text = self._render(claim)
        self.assertTrue(values["provisional"])
        self.assertEqual(values["known_until"], date(2025, 7, 25))
        # invoice B is due on 20 Jul: its interest stops at 25 Jul; no block is empty
        self.assertTrue(all(block["periods"] for block in values["annex"]))
        self.assertIn("рассчитаны по 25.07.2025", text)

    @freeze_time(CLAIM_DAY)
    def test_article_712_only_when_car_held(self):
        self.case_firm.car_held = True
        held = self._print(self.case_firm)
        free = self._print(self.case_person)
        self.assertIn("712", held._get_claim_letter_values()["legal"]["articles"])
        self.assertNotIn("712", free._get_claim_letter_values()["legal"]["articles"])
        held_text, free_text = self._render(held), self._render(free)
        self.assertIn("статьёй 712", held_text)
        self.assertIn("удерживается", held_text)
        self.assertNotIn("712", free_text)
        self.assertNotIn("удерживается", free_text)

    @freeze_time(CLAIM_DAY)
    def test_access_and_nothing_to_claim(self):
        with self.assertRaises(AccessError):
            self._print(self.case_person, self.viewer)
        self.assertFalse(self.case_person.claim_number)
        # A customer whose invoices are all paid or not yet due gets no number.
        other = self.env["res.partner"].create({"name": "Сидоров", "lang": "ru_RU"})
        self._invoice(other, 1000.0, date(2025, 8, 30), invoice_date=date(2025, 8, 10), debt_vehicle_id=self.car.id)
        case = self.env["debt.collection.case"].with_context(debt_no_entry_actions=True).create(
            {"partner_id": other.id, "company_id": self.company.id}
        )
        with self.assertRaisesRegex(UserError, "nothing to claim"):
            case.action_debt_print_claim()
        self.assertFalse(case.claim_number)

    @freeze_time(CLAIM_DAY)
    def test_email_claim_records_number(self):
        self.person.email = "ivanov@example.ru"
        action = self.case_person.with_user(self.collector).action_debt_send_claim()
        self.assertEqual(action["res_model"], "mail.compose.message")
        claim = self.case_person.debt_claim_ids
        self.assertEqual(len(claim), 1)
        self.assertEqual(self.case_person.claim_number, claim.name)
        self.assertFalse(claim.sent_date)
        composer = self.env["mail.compose.message"].with_user(self.collector).with_context(
            **action["context"]
        ).create({})
        composer.action_send_mail()
        message = claim.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn(claim.name, message.subject)
        self.assertIn(self.person, message.partner_ids)
        self.assertEqual(len(message.attachment_ids), 1)
        # e-mailed with its PDF: sent by e-mail today, the term runs
        self.assertEqual((claim.send_channel, claim.sent_date), ("email", CLAIM_DAY))
        self.assertEqual(self.case_person.claim_deadline, date(2025, 8, 25))
        # Sending again is the same claim, not a new number.
        self.case_person.with_user(self.collector).action_debt_send_claim()
        self.assertEqual(self.case_person.debt_claim_ids, claim)

    @freeze_time(CLAIM_DAY)
    def test_claim_from_partner_form(self):
        action = self.person.with_user(self.collector).action_debt_print_claim()
        claim = self.env["debt.claim"].browse(action["context"]["active_ids"])
        self.assertEqual(claim.case_id, self.case_person)
        self.assertEqual(self.person.debt_claim_count, 1)
        # Without a case: the same overdue items reprint the same claim, new ones a new claim.
        other = self.env["res.partner"].create({"name": "Сидоров Олег", "lang": "ru_RU"})
        self._invoice(other, 3000.0, date(2025, 7, 10), invoice_date=date(2025, 7, 1), debt_vehicle_id=self.car.id)
        first = self.env["debt.claim"].browse(
            other.with_user(self.collector).action_debt_print_claim()["context"]["active_ids"]
        )
        again = self.env["debt.claim"].browse(
            other.with_user(self.collector).action_debt_print_claim()["context"]["active_ids"]
        )
        self.assertEqual(first, again)
        self.assertFalse(first.case_id)
        self.assertEqual(first.total_amount, 3000.00 + first.penalty_amount)
        self._invoice(other, 1500.0, date(2025, 7, 30), invoice_date=date(2025, 7, 20), debt_vehicle_id=self.car.id)
        newer = self.env["debt.claim"].browse(
            other.with_user(self.collector).action_debt_print_claim()["context"]["active_ids"]
        )
        self.assertNotEqual(newer, first)
        self.assertEqual(newer.principal_amount, 4500.00)

    # ------------------------------------------------------------------
    @freeze_time(CLAIM_DAY)
    def test_statement(self):
        partner = self.person.with_context(debt_statement_date_from="2025-07-01")
        values = partner._get_debt_statement_values(self.company)[self.person.id]
        self.assertEqual(values["opening"], 10000.00)  # invoice A of 20 Jun
        self.assertEqual(
            [(m["number"], m["debit"], m["credit"], m["balance"]) for m in values["movements"]],
            [(self.inv_b.name, 25500.00, 0.0, 35500.00),
             (values["movements"][1]["number"], 0.0, 5500.00, 30000.00)],
        )
        self.assertEqual(values["closing"], 30000.00)
        self.assertEqual([i["number"] for i in values["open_items"]], [self.inv_a.name, self.inv_b.name])
        self.assertEqual(values["overdue_total"], 30000.00)
        text = render_pdf_text(
            self.env, "auto_service_debt.action_report_customer_statement", self.person.ids
        )
        for expected in ("Выписка по расчётам", "Иванов Сергей Петрович", self.inv_a.name, self.inv_b.name,
                         "25 500,00", "5 500,00", "35 500,00", "30 000,00"):
            self.assertIn(expected, text)

    @freeze_time(CLAIM_DAY)
    def test_stage_reminder_letter(self):
        values = self.case_firm._get_stage_letter_values()
        self.assertEqual([i["number"] for i in values["items"]], [self.inv_c.name, self.inv_d.name])
        self.assertEqual(values["total"], 198300.50)
        self.assertEqual(values["pay_by"], date(2025, 8, 22))
        text = render_pdf_text(
            self.env, "auto_service_debt.action_report_stage_reminder_letter", self.case_firm.ids
        )
        for expected in ("ООО «ТрансЛогистик»", self.inv_c.name, "198 300,50", "22.08.2025"):
            self.assertIn(expected, text)
        self.assertNotIn(self.inv_e.name, text)
