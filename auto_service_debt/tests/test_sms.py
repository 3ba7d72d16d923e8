"""SMS reminders through Odoo's own SMS (``sms.sms`` records, sent by Odoo's SMS queue
through whatever provider the database has): the number, the text in the customer's
language with the short pay-now link, within the 230-FZ hours and limits for individuals
(queued to the next allowed moment through Odoo's scheduled messages, sent once), and the
e-mail for a customer without a mobile number."""

import re
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .collection_common import CollectionCommon
from .common import RussianShopCommon

MOBILE = "+7 916 111-22-33"
SANITIZED = "+79161112233"
NBSP = "\N{NO-BREAK SPACE}"
SHORT_LINK = r"https?://\S+/p/[cni]\d+\.[0-9a-f]{16}"


@tagged("post_install", "-at_install")
class TestSmsReminders(CollectionCommon, RussianShopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.lang_ru").active = True
        cls.sms_reminder = cls.env.ref("auto_service_debt.sms_template_debt_reminder")
        cls.stage_reminder.sms_template_id = cls.sms_reminder
        cls.person = cls._customer(
            "Иванов Сергей", "ivanov@example.ru", is_company=False, lang="ru_RU", mobile=MOBILE,
            country_id=cls.env.ref("base.ru").id,
        )

    def _sms(self, partner):
        sms = self.env["sms.sms"].search([("partner_id", "=", partner.id)], order="id")
        for one in sms:
            self.assertLessEqual(len(one.body), 134, f"two SMS segments of Cyrillic text at most: {one.body}")
        return sms

    def _run_at(self, moment, day=None):
        with freeze_time(moment):
            # The transaction's clock, by which Odoo decides whether a message's
            # scheduled date is still to come, is the moment of the run (as Odoo's own
            # tests reset it), not the moment the test started.
            self.env.cr._now = datetime.now()
            self._run(day or datetime.fromisoformat(moment).date())

    def test_stage_sms_number_text_language_and_link(self):
        invoice = self._invoice(self.person, 12345.0, date(2026, 11, 2))
        self._run_at("2026-11-03 07:00:00")  # 10:00 in Moscow
        case = self._open_case(self.person)
        sms = self._sms(self.person)
        self.assertEqual(len(sms), 1)
        self.assertEqual((sms.number, sms.state), (SANITIZED, "outgoing"))
        self.assertRegex(sms.body, rf"^ООО «Гараж-Тест»: 12{NBSP}345,00{NBSP}руб\S* "
                                   rf"просрочено с 02\.11\.2026\. Оплата: {SHORT_LINK}$")
        link = re.search(SHORT_LINK, sms.body).group(0)
        self.assertEqual(link, self.env["debt.pay.link"]._debt_short_url(case))
        code = link.rsplit("/", 1)[1]
        self.assertEqual(self.env["debt.pay.link"]._debt_short_target(code), case._debt_pay_url())
        self.assertFalse(self.env["debt.pay.link"]._debt_short_target(code[:-1] + "0" if code[-1] != "0" else code[:-1] + "1"))
        self.assertFalse(self._mails(case), "the SMS replaces the stage's e-mail")
        log = self.env["debt.dunning.log"].search([("case_id", "=", case.id)])
        self.assertEqual((log.channel, log.move_line_id.move_id), ("sms", invoice))
        self.assertEqual(log.message_id, sms.mail_message_id, "the SMS is in the case's chatter")
        contacts = self.env["debt.contact.log"].search([("partner_id", "=", self.person.id), ("channel", "=", "sms")])
        self.assertEqual(len(contacts), 1, "counted against the 230-FZ limits")
        # the run again, or resumed: nothing twice
        self._run_at("2026-11-03 08:00:00")
        self.assertEqual(len(self._sms(self.person)), 1)

    def test_english_customer_gets_english_text(self):
        customer = self._customer("John Smith", "john@example.com", is_company=False, mobile="+44 7911 123456")
        self._invoice(customer, 500.0, date(2026, 11, 2))
        self._run_at("2026-11-03 09:00:00")
        sms = self._sms(customer)
        self.assertEqual(sms.number, "+447911123456")
        self.assertRegex(sms.body, rf"^ООО «Гараж-Тест»: 500\.00{NBSP}руб overdue since 11/02/2026\. Pay: {SHORT_LINK}$")

    def test_at_night_the_sms_waits_for_the_morning_and_goes_once(self):
        self._invoice(self.person, 1000.0, date(2026, 12, 1))
        self._run_at("2026-12-02 20:30:00", date(2026, 12, 2))  # 23:30 in Moscow
        case = self._open_case(self.person)
        self.assertFalse(self._sms(self.person), "nothing leaves at night")
        message = self.env["debt.dunning.log"].search([("case_id", "=", case.id)]).message_id
        self.assertTrue(message, "the SMS is posted, to be sent later")
        schedule = self.env["mail.message.schedule"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(schedule.scheduled_datetime, datetime(2026, 12, 3, 5, 0), "at 8:00 in Moscow")
        with freeze_time("2026-12-03 04:59:00"):
            self.env["mail.message.schedule"]._send_notifications_cron()
        self.assertFalse(self._sms(self.person))
        with freeze_time("2026-12-03 05:01:00"):
            self.env["mail.message.schedule"]._send_notifications_cron()
            self.env["mail.message.schedule"]._send_notifications_cron()
        sms = self._sms(self.person)
        self.assertEqual(len(sms), 1, "sent once")
        self.assertEqual((sms.number, sms.state), (SANITIZED, "outgoing"))
        self._run_at("2026-12-03 06:00:00", date(2026, 12, 3))
        self.assertEqual(len(self._sms(self.person)), 1, "and the next run does not send it again")

    def test_limits_two_a_day_four_a_week(self):
        ContactLog = self.env["debt.contact.log"]
        ContactLog.create([
            {"partner_id": self.person.id, "channel": "sms", "direction": "out", "date": moment}
            for moment in ("2026-11-30 07:00:00", "2026-12-01 07:00:00", "2026-12-02 06:00:00",
                           "2026-12-02 07:00:00")
        ])
        self._invoice(self.person, 1000.0, date(2026, 12, 1))
        self._run_at("2026-12-02 09:00:00", date(2026, 12, 2))
        case = self._open_case(self.person)
        self.assertFalse(self._sms(self.person), "two SMS today already, four this week")
        message = self.env["debt.dunning.log"].search([("case_id", "=", case.id)]).message_id
        schedule = self.env["mail.message.schedule"].search([("mail_message_id", "=", message.id)])
        # four in the 7 days to 2 Dec: the first day with room is 7 Dec (30 Nov has left the week)
        self.assertEqual(schedule.scheduled_datetime, datetime(2026, 12, 7, 5, 0))

    def test_business_is_not_limited(self):
        firm = self._customer("ООО «Фирма»", "firm@example.ru", is_company=True, lang="ru_RU", mobile=MOBILE)
        self._invoice(firm, 1000.0, date(2026, 12, 1))
        self._run_at("2026-12-02 20:30:00", date(2026, 12, 2))  # 23:30 in Moscow
        self.assertEqual(len(self._sms(firm)), 1, "230-FZ protects individuals only")

    def test_without_mobile_number_the_email_goes(self):
        customer = self._customer("Петров Пётр", "petrov@example.ru", is_company=False, lang="ru_RU")
        self._invoice(customer, 1000.0, date(2026, 11, 2))
        self._run_at("2026-11-03 07:00:00")
        case = self._open_case(customer)
        self.assertFalse(self._sms(customer))
        self.assertEqual(len(self._mails(case)), 1, "the e-mail of the stage instead")
        self.assertEqual(self.env["debt.dunning.log"].search([("case_id", "=", case.id)]).channel, "email")

    def test_upcoming_and_installment_sms(self):
        self.company.write({
            "debt_upcoming_sms_template_id": self.env.ref("auto_service_debt.sms_template_debt_upcoming").id,
            "debt_installment_sms_template_id": self.env.ref("auto_service_debt.sms_template_debt_installment").id,
        })
        upcoming = self._invoice(self.person, 2500.0, date(2026, 11, 5), invoice_date=date(2026, 10, 26))
        self._run_at("2026-11-03 07:00:00")
        sms = self._sms(self.person)
        self.assertEqual(len(sms), 1)
        self.assertRegex(sms.body, rf"^ООО «Гараж-Тест»: 2{NBSP}500,00{NBSP}руб\S* к оплате до "
                                   rf"05\.11\.2026\. Оплата: {SHORT_LINK}$")
        code = re.search(SHORT_LINK, sms.body).group(0).rsplit("/", 1)[1]
        self.assertEqual(self.env["debt.pay.link"]._debt_short_target(code), upcoming.get_portal_url())

        invoice = self._invoice(self.person, 30000.0, date(2026, 11, 10))
        with freeze_time("2026-11-10 09:00:00"):
            plan = self._plan(invoice, 3, date(2026, 11, 12))
        self._pay(upcoming, on=date(2026, 11, 5))
        self._run_at("2026-11-20 07:00:00")
        sms = self._sms(self.person)[-1]
        self.assertRegex(sms.body, rf"^ООО «Гараж-Тест»: просрочен взнос 10{NBSP}000,00{NBSP}"
                                   rf"руб\S* от 12\.11\.2026\. Оплата: {SHORT_LINK}$")
        first = plan.line_ids.sorted("due_date")[0]
        code = re.search(SHORT_LINK, sms.body).group(0).rsplit("/", 1)[1]
        self.assertEqual(self.env["debt.pay.link"]._debt_short_target(code), first._debt_pay_url())

    def test_manual_sms_from_the_reminder_wizard(self):
        self._invoice(self.person, 1000.0, date(2026, 11, 2))
        nobody = self._customer("Сидоров", "sidorov@example.ru", is_company=False)
        self._invoice(nobody, 1000.0, date(2026, 11, 2))
        self.stage_reminder.sms_template_id = False
        self._run_at("2026-11-03 07:00:00")
        cases = self._open_case(self.person) | self._open_case(nobody)
        with freeze_time("2026-11-04 07:00:00"):
            wizard = self.env["debt.send.reminder.wizard"].with_user(self.collector).with_context(
                active_model="debt.collection.case", active_ids=cases.ids,
            ).create({"channel": "sms"})
            with self.assertRaisesRegex(UserError, r"No mobile number .*Сидоров"):
                wizard.action_send()
            self.assertFalse(self._sms(self.person), "nothing half-sent")
            wizard.case_ids = self._open_case(self.person)
            wizard.action_send()
        sms = self._sms(self.person)
        self.assertEqual(len(sms), 1)
        self.assertIn("просрочено с 02.11.2026", sms.body)
