"""Legal stage gates: a case enters the claim stage only after a reminder, the agency and
court stages only after a claim sent whose deadline has passed; a backlog never jumps."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .collection_common import CollectionCommon, d
from .common import shop_user


@tagged("post_install", "-at_install")
class TestStageGates(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_agency = cls.env.ref("auto_service_debt.stage_agency")
        cls.stage_court = cls.env.ref("auto_service_debt.stage_court")
        cls.stage_enforcement = cls.env.ref("auto_service_debt.stage_enforcement")
        cls.company.debt_upcoming_days = 0
        cls.bookkeeper = shop_user(cls.env, "bookkeeper", login="gate_bookkeeper")
        cls.person = cls._customer("Пётр Сидоров", "sidorov@example.ru", is_company=False, lang="ru_RU")

    def _send_claim(self, case, on, user=None, received=None):
        case = case.with_user(user or self.bookkeeper)
        with freeze_time(f"{on} 10:00:00"):
            action = case.action_debt_print_claim()
            claim = self.env["debt.claim"].browse(action["context"]["active_ids"])
            vals = {"send_channel": "registered_mail", "sent_date": d(on), "tracking_ref": "14500012345678"}
            claim.with_user(user or self.bookkeeper).write(vals)
        if received:
            with freeze_time(f"{received} 10:00:00"):
                claim.with_user(user or self.bookkeeper).received_date = d(received)
        return claim

    def test_backlog_enters_no_legal_stage_without_its_steps(self):
        """The first run over an old backlog: the business customer 200 days late and the
        individual 120 days late get the final notice, not a claim or the court."""
        self._invoice(self.customer, 5000.0, d("2025-06-15"))
        self._invoice(self.person, 3000.0, d("2025-09-03"))
        day = "2026-01-01"
        with freeze_time(f"{day} 09:00:00"):
            self._run(d(day))
        for partner in (self.customer, self.person):
            case = self._case(partner)
            self.assertEqual(case.stage_id, self.stage_final, partner.name)
            self.assertFalse(case.stage_id.legal)
            self.assertEqual(len(self._mails(case)), 1)
            logs = self.env["debt.dunning.log"].search([("case_id", "=", case.id)])
            self.assertEqual(logs.stage_id, self.stage_final)
            with freeze_time(f"{day} 10:00:00"):
                # the final notice went today: the claim waits for the customer's 7 days
                self.assertIn("the customer has 7 days", case.gate_note or "")
        # the next day: the reminder was sent yesterday, the customer has 7 days
        with freeze_time("2026-01-02 09:00:00"):
            self._run(d("2026-01-02"))
            case = self._case(self.customer)
            self.assertEqual(case.stage_id, self.stage_final)
            self.assertIn("7", case.gate_note)
        with freeze_time("2026-01-08 09:00:00"):
            self._run(d("2026-01-08"))
        case = self._case(self.customer)
        self.assertEqual(case.stage_id, self.stage_claim)
        # far later, still no claim: the case waits at the claim stage and says why
        with freeze_time("2026-03-01 09:00:00"):
            self._run(d("2026-03-01"))
            self.assertEqual(case.stage_id, self.stage_claim)
            self.assertIn("no claim letter has been issued", case.gate_note)
        claim = self._send_claim(case, "2026-03-02")
        self.assertEqual(claim.deadline, d("2026-04-01"))  # 30 days from sending
        with freeze_time("2026-04-01 09:00:00"):
            self._run(d("2026-04-01"))
            self.assertEqual(case.stage_id, self.stage_claim, "the deadline day itself still counts")
            self.assertIn("истекает 01.04.2026", case.with_context(lang="ru_RU").gate_note)
        with freeze_time("2026-04-02 09:00:00"):
            self._run(d("2026-04-02"))
        # the court is due by the days: agency and court are open, enforcement is not
        self.assertEqual(case.stage_id, self.stage_court)
        self.assertFalse(self.Case.search([("stage_id", "=", self.stage_enforcement.id)]))
        self.assertEqual(case.court_route, "arbitrazh")
        self.assertEqual(
            case.history_ids.stage_id,
            self.stage_final | self.stage_claim | self.stage_court,
        )

    def test_individual_term_runs_from_receipt(self):
        self._invoice(self.person, 3000.0, d("2025-09-03"))
        with freeze_time("2026-01-01 09:00:00"):
            self._run(d("2026-01-01"))
        with freeze_time("2026-01-08 09:00:00"):
            self._run(d("2026-01-08"))
        case = self._case(self.person)
        self.assertEqual(case.stage_id, self.stage_claim)
        claim = self._send_claim(case, "2026-01-09", received="2026-01-15")
        self.assertEqual(claim.deadline, d("2026-01-25"))  # 10 days from receipt
        with freeze_time("2026-01-25 09:00:00"):
            self._run(d("2026-01-25"))
            self.assertEqual(case.stage_id, self.stage_claim)
        with freeze_time("2026-01-26 09:00:00"):
            self._run(d("2026-01-26"))
        self.assertEqual(case.stage_id, self.stage_court)
        # up to the court-order limit an individual's debt goes to a magistrate
        self.assertEqual(case.court_route, "court_order")
        self.company.debt_court_order_limit = 1000.0
        case.invalidate_recordset(["court_route"])
        self.assertEqual(case.court_route, "claim")

    def test_manual_move_respects_the_gates(self):
        self._invoice(self.customer, 5000.0, d("2025-06-15"))
        with freeze_time("2026-01-01 09:00:00"):
            self._run(d("2026-01-01"))
            case = self._case(self.customer)
            with self.assertRaisesRegex(UserError, "cannot enter the stage") as raised:
                case.with_user(self.bookkeeper).stage_id = self.stage_court
            self.assertIn(case.name, str(raised.exception))
            self.assertEqual(case.stage_id, self.stage_final)
            # a claim issued but not sent does not open the court either
        claim = self._send_claim(case, "2026-01-02")
        with freeze_time("2026-01-20 09:00:00"):
            with self.assertRaisesRegex(UserError, "runs until"):
                case.with_user(self.bookkeeper).stage_id = self.stage_court
        with freeze_time("2026-02-05 09:00:00"):
            case.with_user(self.bookkeeper).stage_id = self.stage_court
            self.assertEqual(case.stage_id, self.stage_court)
            # enforcement is entered by hand only (after the court's decision)
            case.with_user(self.bookkeeper).stage_id = self.stage_enforcement
        self.assertEqual(case.stage_id, self.stage_enforcement)
        self.assertEqual(case.claim_id, claim)

    def test_manual_reminder_follows_the_stage(self):
        self._invoice(self.customer, 5000.0, d("2025-06-15"))
        with freeze_time("2026-01-01 09:00:00"):
            self._run(d("2026-01-01"))
        with freeze_time("2026-01-08 09:00:00"):
            self._run(d("2026-01-08"))
        case = self._case(self.customer)
        self.assertEqual(case.stage_id, self.stage_claim)
        claim = self._send_claim(case, "2026-01-09")
        with freeze_time("2026-01-12 10:00:00"):
            self.env["debt.send.reminder.wizard"].with_user(self.bookkeeper).with_context(
                active_model="debt.collection.case", active_ids=case.ids
            ).create({}).action_send()
        mail = self._mails(case)[-1]
        self.assertIn("under legal collection", mail.subject)
        self.assertIn(claim.name, mail.body_html)
        self.assertNotIn("friendly", mail.body_html.lower())

    def test_run_gate_check_agrees_with_the_stated_reason(self):
        """The daily run's quick gate check lets a case in exactly when the collector's
        check finds nothing missing, for every gate and every state of the facts."""
        today = d("2026-06-10")
        days = [None, d("2026-05-01"), d("2026-06-03"), d("2026-06-09"), today, d("2026-06-20")]
        stages = self.env["debt.collection.stage"].search([("company_id", "in", [False, self.company.id])])
        self.assertTrue(stages.filtered("gate_reminder") and stages.filtered("gate_claim"))
        checked = 0
        for stage in stages.filtered(lambda s: not s.gate_manual):
            for last in days:
                for claim in (False, "ПР-1"):
                    for sent in (False, True):
                        for deadline in days:
                            facts = {"last_reminder": last, "claim": claim, "claim_sent": sent,
                                     "claim_deadline": deadline}
                            self.assertEqual(
                                stage._debt_gate_holds(facts, today),
                                not stage._debt_gate_missing(facts, today),
                                f"{stage.name}: {facts}",
                            )
                            checked += 1
        self.assertGreater(checked, 100)
        manual = stages.filtered("gate_manual")
        self.assertTrue(manual)
        self.assertFalse(any(s._debt_gate_holds({}, today) for s in manual))
