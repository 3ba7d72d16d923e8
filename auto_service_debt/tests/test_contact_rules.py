from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged

from ..tools import contact_rules as rules
from .collection_common import CollectionCommon, d


@tagged("post_install", "-at_install")
class TestContactRulesTools(BaseCase):
    def test_next_allowed_moment(self):
        cases = [
            # local time, next allowed moment
            ("2026-01-16 23:30", "2026-01-17 09:00"),  # Friday night -> Saturday 9:00
            ("2026-01-16 21:59", "2026-01-16 21:59"),
            ("2026-01-16 22:00", "2026-01-17 09:00"),
            ("2026-01-19 07:15", "2026-01-19 08:00"),  # Monday morning
            ("2026-01-17 08:30", "2026-01-17 09:00"),  # Saturday morning
            ("2026-01-17 20:00", "2026-01-18 09:00"),  # Saturday evening -> Sunday
            ("2026-01-18 20:30", "2026-01-19 08:00"),  # Sunday evening -> Monday
            ("2026-06-11 22:10", "2026-06-12 09:00"),  # Thursday -> Russia Day (holiday)
            ("2026-03-09 08:30", "2026-03-09 08:30"),  # an ordinary Monday
        ]
        for local, expected in cases:
            with self.subTest(local=local):
                moment = rules.next_allowed_moment(datetime.fromisoformat(local))
                self.assertEqual(moment, datetime.fromisoformat(expected))

    def test_frequency_limits(self):
        calls = rules.LIMITS["call"]
        monday = date(2026, 3, 2)
        cases = [
            # earlier contacts, day of the new one, exceeded window
            ([], monday, None),
            ([monday], monday, "day"),
            ([date(2026, 3, 1), date(2026, 2, 28)], monday, "week"),
            ([date(2026, 2, 23), date(2026, 2, 24)], monday, None),  # older than 7 days
            ([date(2026, 2, day) for day in (3, 6, 9, 12, 15, 18, 21, 25)], date(2026, 3, 2), "month"),
            ([date(2026, 2, day) for day in (2, 6, 9, 12, 15, 18, 21, 24)], date(2026, 3, 3), None),
        ]
        for previous, day, expected in cases:
            with self.subTest(previous=previous, day=day):
                self.assertEqual(rules.exceeded_limit(day, previous, calls), expected)
        self.assertEqual(rules.exceeded_limit(monday, [monday], rules.LIMITS["sms"]), None)
        self.assertEqual(rules.exceeded_limit(monday, [monday, monday], rules.LIMITS["sms"]), "day")

    def test_next_slot_with_limits(self):
        friday = datetime(2026, 1, 16, 10, 0)
        previous = [date(2026, 1, 16), date(2026, 1, 16)]
        self.assertEqual(
            rules.next_allowed_slot(friday, previous, rules.LIMITS["email"]), datetime(2026, 1, 17, 9, 0)
        )
        self.assertEqual(rules.next_allowed_slot(friday), friday)


@tagged("post_install", "-at_install")
class TestContactRules(CollectionCommon):
    def test_reminder_to_individual_waits_for_allowed_hours(self):
        person = self._customer("Ivan Petrov", "ivan@example.com", is_company=False, tz="Europe/Moscow")
        business = self._customer("Fleet LLC", "fleet@example.com", is_company=True, tz="Europe/Moscow")
        self._invoice(person, 500.0, d("2026-01-15"))
        self._invoice(business, 500.0, d("2026-01-15"))
        # Friday 16 January 2026, 23:30 in Moscow (UTC+3).
        with freeze_time("2026-01-16 20:30:00"):
            self._run(d("2026-01-16"))
        person_mail = self._mails(self._case(person))
        business_mail = self._mails(self._case(business))
        self.assertEqual(len(person_mail), 1)
        self.assertEqual(person_mail.scheduled_date, datetime(2026, 1, 17, 6, 0))  # Saturday 09:00 MSK
        self.assertEqual(len(business_mail), 1)
        self.assertFalse(business_mail.scheduled_date, "businesses are not limited")
        # The mail queue does not pick it before its moment.
        with freeze_time("2026-01-17 05:59:00"):
            queued = self.env["mail.mail"].search([("id", "=", person_mail.id)] + [
                "|", ("scheduled_date", "=", False), ("scheduled_date", "<=", datetime(2026, 1, 17, 5, 59))])
            self.assertFalse(queued)

    def test_debtor_time_zone_falls_back_to_moscow(self):
        person = self._customer("Anna Smirnova", "anna@example.com", is_company=False, tz=False)
        self.company.partner_id.tz = False
        self.env.user.tz = False
        self._invoice(person, 500.0, d("2026-01-15"))
        with freeze_time("2026-01-16 19:30:00"):  # 22:30 in Moscow
            self._run(d("2026-01-16"))
        self.assertEqual(self._mails(self._case(person)).scheduled_date, datetime(2026, 1, 17, 6, 0))

    def test_email_limits_when_enabled(self):
        self.company.debt_230_limit_email = True
        person = self._customer("Oleg Ivanov", "oleg@example.com", is_company=False)
        Log = self.env["debt.contact.log"]
        with freeze_time("2026-01-14 09:00:00"):  # Wednesday noon in Moscow
            Log.create([{"partner_id": person.id, "channel": "email", "date": datetime(2026, 1, 14, 8, 0)}] * 2)
            moments = Log._debt_next_send_moments(person)
        self.assertEqual(moments[person.id], datetime(2026, 1, 15, 5, 0))  # Thursday 08:00 MSK

    def _call(self, partner, when, user=None, **extra):
        return self.env["debt.contact.log"].with_user(user or self.collector).create({
            "partner_id": partner.id, "channel": "call", "date": when, **extra,
        })

    def test_call_limits_for_individuals(self):
        person = self._customer("Petr Sidorov", "petr@example.com", is_company=False)
        # Monday and Tuesday 12:00 in Moscow.
        self._call(person, datetime(2026, 3, 2, 9, 0))
        with self.assertRaisesRegex(UserError, "this day"):
            self._call(person, datetime(2026, 3, 2, 12, 0))
        self._call(person, datetime(2026, 3, 3, 9, 0))
        with self.assertRaisesRegex(UserError, "Petr Sidorov already had 2"):
            self._call(person, datetime(2026, 3, 4, 9, 0))
        # An incoming call does not count; a manager's exception needs a reason.
        self._call(person, datetime(2026, 3, 4, 9, 0), direction="in")
        with self.assertRaises(UserError):
            self._call(person, datetime(2026, 3, 4, 9, 0), limit_exception=True, exception_reason="Asked")
        with self.assertRaises(UserError):
            self._call(person, datetime(2026, 3, 4, 9, 0), user=self.manager, limit_exception=True)
        log = self._call(person, datetime(2026, 3, 4, 9, 0), user=self.manager, limit_exception=True,
                         exception_reason="Debtor asked to be called back today")
        self.assertTrue(log.limit_exception)
        # 23:00 in Moscow on a working day is outside the allowed hours.
        with self.assertRaisesRegex(UserError, "22:00"):
            self._call(person, datetime(2026, 3, 10, 20, 0))

    def test_businesses_not_limited(self):
        business = self._customer("Transport LLC", "t@example.com", is_company=True)
        for hour in (6, 7, 8):
            self._call(business, datetime(2026, 3, 2, hour, 0))
        self._call(business, datetime(2026, 3, 2, 21, 0))
        self.assertEqual(self.env["debt.contact.log"].search_count([("partner_id", "=", business.id)]), 4)

    def test_log_call_wizard(self):
        person = self._customer("Maria Volkova", "maria@example.com", is_company=False)
        self._invoice(person, 700.0, d("2026-02-01"))
        self._run(d("2026-02-03"))
        case = self._case(person)
        with freeze_time("2026-02-04 09:00:00"):
            self.env["debt.log.contact.wizard"].with_user(self.collector).create({
                "case_id": case.id, "result": "promise", "promise_date": d("2026-02-10"),
                "promise_amount": 700.0, "nonpayment_reason": "financial",
            }).action_log()
            with self.assertRaisesRegex(UserError, "Maria Volkova already had 1"):
                self.env["debt.log.contact.wizard"].with_user(self.collector).create({
                    "case_id": case.id, "result": "no_answer",
                }).action_log()
        self.assertEqual(case.contact_count, 1)
        self.assertEqual(case.promise_date, d("2026-02-10"))
        self.assertEqual(case.nonpayment_reason, "financial")
