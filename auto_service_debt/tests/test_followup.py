"""The follow-up screen of a case (its open items with days late and penalties, reminders
by e-mail or SMS, the claim) and the bulk actions of the case list: one mail, SMS or claim
per selected case; claims refused for the cases whose stage has not reached the claim
stage, named with the reason; a responsible assigned with the open activities."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .collection_common import CollectionCommon
from .common import RussianShopCommon


@tagged("post_install", "-at_install")
class TestFollowUp(CollectionCommon, RussianShopCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = [
            cls._customer(f"ООО «Клиент {n}»", f"client{n}@example.ru", mobile=f"+7 916 000-00-0{n}",
                          country_id=cls.env.ref("base.ru").id)
            for n in range(1, 4)
        ]

    def _walk(self, days, start=date(2026, 10, 1)):
        """The collection step on each of ``days`` after ``start``, at 10:00 in Moscow."""
        for day in days:
            moment = start + timedelta(days=day)
            with freeze_time(f"{moment} 07:00:00"):
                self._run(moment)

    def test_open_items_with_days_late_and_penalties(self):
        customer = self.customers[0]
        late = self._invoice(customer, 10000.0, date(2026, 10, 1))
        later = self._invoice(customer, 5000.0, date(2026, 10, 11))
        upcoming = self._invoice(customer, 2000.0, date(2026, 11, 20))
        self._walk([20])
        case = self._open_case(customer)
        with freeze_time("2026-10-21 07:00:00"):
            case.invalidate_recordset(["open_line_ids"])
            lines = case.with_user(self.collector).open_line_ids
            self.assertEqual(lines.move_id, late | later | upcoming)
            self.assertEqual(
                [(line.move_id, line.debt_days_late, line.amount_residual) for line in lines],
                [(late, 20, 10000.0), (later, 10, 5000.0), (upcoming, 0, 2000.0)],
            )
            penalties = self.Case._debt_penalties_by_line(lines)
            self.assertEqual(lines.mapped("debt_penalty_open"), [penalties.get(line.id, 0.0) for line in lines])

    def test_reminders_one_mail_or_sms_per_selected_case(self):
        for customer in self.customers:
            self._invoice(customer, 1000.0, date(2026, 10, 1))
        self._walk([2])
        cases = self.Case.browse([self._open_case(c).id for c in self.customers])
        self.assertEqual(len(cases), 3)
        mails_before = {case: len(self._mails(case)) for case in cases}
        with freeze_time("2026-10-05 07:00:00"):
            cases.with_user(self.collector).action_debt_remind_email()
        for case in cases:
            self.assertEqual(len(self._mails(case)), mails_before[case] + 1, case.name)
        with freeze_time("2026-10-05 08:00:00"):
            cases.with_user(self.collector).action_debt_remind_sms()
        for case, customer in zip(cases, self.customers, strict=True):
            sms = self.env["sms.sms"].search([("partner_id", "=", customer.id)])
            self.assertEqual(len(sms), 1, case.name)
            self.assertEqual(sms.mail_message_id.res_id, case.id)

    def test_bulk_claims_refuse_the_cases_before_the_claim_stage(self):
        ready, early = self.customers[0], self.customers[1]
        self._invoice(ready, 30000.0, date(2026, 10, 1))
        self._invoice(early, 7000.0, date(2026, 10, 26))
        self._walk([1, 10, 20, 31])
        ready_case, early_case = self._open_case(ready), self._open_case(early)
        self.assertEqual(ready_case.stage_id, self.stage_claim)
        self.assertEqual(early_case.stage_id, self.stage_reminder)
        Claim = self.env["debt.claim"]
        with freeze_time("2026-11-01 07:00:00"):
            result = (ready_case | early_case).with_user(self.collector).action_debt_issue_claims()
            message = result["params"]["message"]
            self.assertEqual(len(Claim.search([("case_id", "=", ready_case.id)])), 1)
            self.assertFalse(Claim.search([("case_id", "=", early_case.id)]))
            self.assertIn(Claim.search([("case_id", "=", ready_case.id)]).name, message)
            self.assertRegex(message, rf"Refused: {early_case.name} \(ООО «Клиент 2»\) at the stage «Reminder», "
                                      "before «Claim letter»: .*reminder")
            self.assertEqual(result["params"]["type"], "warning")
            # again: the issued claim is kept, none added
            (ready_case | early_case).with_user(self.collector).action_debt_issue_claims()
            self.assertEqual(len(Claim.search([("case_id", "=", ready_case.id)])), 1)
            with self.assertRaisesRegex(UserError, rf"No claim issued: {early_case.name} \(ООО «Клиент 2»\)"):
                early_case.with_user(self.collector).action_debt_issue_claims()
        self.assertFalse(Claim.search([("case_id", "=", early_case.id)]))

    def test_assign_a_responsible_with_the_open_activities(self):
        for customer in self.customers[:2]:
            self._invoice(customer, 1000.0, date(2026, 10, 1))
        self._walk([12])  # Second reminder + call: a call activity for the responsible
        cases = self.Case.browse([self._open_case(c).id for c in self.customers[:2]])
        activities = self._activities(cases[0]) | self._activities(cases[1])
        self.assertTrue(activities)
        wizard = self.env["debt.assign.wizard"].with_user(self.collector).with_context(
            active_model="debt.collection.case", active_ids=cases.ids,
        ).create({"user_id": self.manager.id})
        wizard.action_assign()
        self.assertEqual(cases.user_id, self.manager)
        self.assertEqual(activities.user_id, self.manager, "the open activities follow the case")

    def test_viewer_may_not_act(self):
        self._invoice(self.customers[0], 1000.0, date(2026, 10, 1))
        self._walk([2])
        case = self._open_case(self.customers[0])
        with self.assertRaises(AccessError):
            case.with_user(self.viewer).action_debt_issue_claims()
        with self.assertRaises(AccessError):
            case.with_user(self.viewer).action_debt_remind_sms()
        with self.assertRaises(AccessError):
            self.env["debt.assign.wizard"].with_user(self.viewer).create({"user_id": self.manager.id})
        self.assertFalse(self.env["debt.claim"].search([("case_id", "=", case.id)]))
