"""The court flow of a case: filing, decision, writ, enforcement and the amounts recovered,
each dated in the history and the chatter; the case's court fields summarise them."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .collection_common import CollectionCommon, d
from .common import shop_user


@tagged("post_install", "-at_install")
class TestCourt(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls._invoice(cls.customer, 12000.0, d("2026-01-10"))
        cls.second = cls._invoice(cls.customer, 5000.55, d("2026-01-20"))


    def _step(self, case, kind, day, user=None, **vals):
        with freeze_time(f"{day} 10:00:00"):
            return self.env["debt.court.event"].with_user(user or self.collector).create(
                dict(vals, case_id=case.id, kind=kind, date=d(day))
            )

    def _case_in_court(self):
        """Reminded on 11 Jan, the claim sent by registered mail on 12 Jan: its 30 days ran
        out on 11 Feb, the court may be seized."""
        self._run(d("2026-01-11"))
        case = self._case(self.customer)
        self._send_claim(case, "2026-01-12")
        self._run(d("2026-02-15"))
        return case

    def test_no_filing_before_the_claim_term_ran_out(self):
        self._run(d("2026-01-11"))
        case = self._case(self.customer)
        with self._refused(UserError, "no claim letter has been issued"):
            self._step(case, "filing", "2026-01-20", court_name="Арбитражный суд г. Москвы",
                       court_case_number="А40-1/2026")
        self._send_claim(case, "2026-01-20", channel="hand")
        with self._refused(UserError, "runs until"):
            self._step(case, "filing", "2026-02-19", court_name="Арбитражный суд г. Москвы",
                       court_case_number="А40-1/2026")
        self.assertFalse(case.court_filing_date)
        self._step(case, "filing", "2026-02-20", court_name="Арбитражный суд г. Москвы",
                   court_case_number="А40-1/2026")
        self.assertEqual(case.court_filing_date, d("2026-02-20"))

    def test_court_flow_from_filing_to_recovery(self):
        case = self._case_in_court()
        bookkeeper = shop_user(self.env, "bookkeeper")
        self._step(case, "filing", "2026-03-02", user=bookkeeper, court_name="Арбитражный суд г. Москвы",
                   court_case_number="А40-12345/2026", court_fee=2680.0)
        self.assertEqual((case.court_name, case.court_case_number, case.court_filing_date, case.court_fee),
                         ("Арбитражный суд г. Москвы", "А40-12345/2026", d("2026-03-02"), 2680.0))
        self._step(case, "decision", "2026-04-10", user=bookkeeper, amount_awarded=19680.55)
        self._step(case, "writ", "2026-05-15", user=bookkeeper, writ_number="ФС 012345678")
        self._step(case, "enforcement", "2026-05-25", user=bookkeeper, bailiff_number="12345/26/77001-ИП")
        partial = self._step(case, "recovery", "2026-06-01", user=bookkeeper, amount=7000.0,
                             reference="п/п 77")
        self.env.cr.flush()
        self.assertEqual(partial.payment_id.amount, 7000.0)
        self.assertEqual(partial.payment_id.state, "in_process", "Odoo: paid once its invoices are")
        self.assertEqual(self.first.amount_residual, 5000.0)
        self.assertEqual(case.state, "open")
        last = self._step(case, "recovery", "2026-06-20", user=bookkeeper, amount=10000.55)
        self.assertEqual(last.payment_id.amount, 10000.55)
        self.assertEqual((self.first.payment_state, self.second.payment_state), ("paid", "paid"))
        self.env.cr.flush()
        self.assertEqual((case.state, case.close_reason), ("closed", "paid"))
        self.assertEqual((case.court_decision_date, case.court_amount_awarded), (d("2026-04-10"), 19680.55))
        self.assertEqual(case.court_writ_number, "ФС 012345678")
        self.assertEqual(case.court_bailiff_number, "12345/26/77001-ИП")
        self.assertEqual(case.court_recovered_amount, 17000.55)
        events = case.history_ids.filtered(lambda h: h.kind == "court").sorted(lambda h: (h.date, h.id))
        self.assertEqual(events.mapped("date"), [d("2026-03-02"), d("2026-04-10"), d("2026-05-15"),
                                                 d("2026-05-25"), d("2026-06-01"), d("2026-06-20")])
        self.assertIn("А40-12345/2026", events[0].note)
        self.assertIn("12345/26/77001-ИП", events[3].note)
        bodies = " ".join(case.message_ids.mapped("body"))
        for text in ("А40-12345/2026", "ФС 012345678", "12345/26/77001-ИП"):
            self.assertIn(text, bodies)

    def test_each_step_needs_its_data_and_its_order(self):
        case = self._case_in_court()
        with self._refused(ValidationError, "record the step Filing before the step Decision"):
            self._step(case, "decision", "2026-03-02", amount_awarded=1000.0)
        with self._refused(ValidationError, f"{case.name}, court step Filing: fill in Court"):
            self._step(case, "filing", "2026-03-02", court_case_number="А40-1/2026")
        self._step(case, "filing", "2026-03-02", court_name="АС г. Москвы", court_case_number="А40-1/2026")
        with self._refused(ValidationError, "cannot come before"):
            self._step(case, "decision", "2026-03-01", amount_awarded=1000.0)
        with self._refused(ValidationError, "fill in Amount Awarded"):
            self._step(case, "decision", "2026-03-10")
        with self._refused(ValidationError, "record the step Decision before the step Amount recovered"):
            self._step(case, "recovery", "2026-03-10", amount=100.0)
        self._step(case, "decision", "2026-03-10", amount_awarded=17000.55)
        with self._refused(ValidationError, "more than"):
            self._step(case, "recovery", "2026-03-20", amount=17000.56)
        with self._refused(ValidationError, "must be positive"):
            self._step(case, "recovery", "2026-03-20", amount=-5.0)
        self.assertEqual(self.first.payment_state, "not_paid")
        self.assertEqual(len(case.court_event_ids), 2)

    def test_booked_recovery_cannot_change(self):
        case = self._case_in_court()
        self._step(case, "filing", "2026-03-02", court_name="АС г. Москвы", court_case_number="А40-1/2026")
        self._step(case, "decision", "2026-03-10", amount_awarded=17000.55)
        recovery = self._step(case, "recovery", "2026-03-20", amount=1000.0)
        with self._refused(UserError, "booked as a payment"):
            recovery.with_user(self.collector).amount = 2000.0

    def test_viewer_cannot_record_court_steps(self):
        case = self._case_in_court()
        with self.assertRaises(AccessError):
            self._step(case, "filing", "2026-03-02", user=self.viewer, court_name="АС г. Москвы",
                       court_case_number="А40-1/2026")
        self.assertFalse(case.court_event_ids)
