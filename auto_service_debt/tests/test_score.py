from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged

from ..tools.score import (
    DueItem,
    ScoreTotals,
    compute_score,
    grade_for,
    score_from_totals,
    totals_of,
)
from .common import DebtTestCommon

D = date


@tagged("post_install", "-at_install")
class TestScoreTool(BaseCase):
    def test_table(self):
        today = D(2026, 6, 30)
        cases = [
            # (items, broken promises, defaulted plans) -> (score, grade)
            ("always on time", [DueItem(1000, D(2026, 1, 31), D(2026, 1, 30)),
                                DueItem(500, D(2026, 3, 31), D(2026, 3, 31))], 0, 0, 100, "A"),
            # half late by 30 days on equal amounts: 100 - 20 - 7.5 = 72.5 -> 73 (half-up)
            ("half late 30 days", [DueItem(1000, D(2026, 1, 31), D(2026, 1, 31)),
                                   DueItem(1000, D(2026, 2, 28), D(2026, 3, 30))], 0, 0, 73, "B"),
            # open 100 days: 100 - 40 - 30 - 15 = 15
            ("one open invoice 100 days", [DueItem(800, D(2026, 3, 22))], 0, 0, 15, "D"),
            # on time but one broken promise and one defaulted plan: 100 - 5 - 10
            ("events", [DueItem(100, D(2026, 1, 10), D(2026, 1, 9))], 1, 1, 85, "A"),
            ("events capped", [DueItem(100, D(2026, 1, 10), D(2026, 1, 9))], 7, 5, 70, "B"),
            # amount weighting: small late invoice weighs little: 100 - 20 - (1*60/1001 ... )
            ("weighted", [DueItem(1000, D(2026, 5, 1), D(2026, 5, 1)),
                          DueItem(1, D(2026, 4, 1), D(2026, 5, 31))], 0, 0, 80, "A"),
        ]
        for name, items, promises, plans, score, grade in cases:
            with self.subTest(name):
                result = compute_score(items, today, promises, plans)
                self.assertEqual(result.score, score)
                self.assertEqual(result.grade, grade)

    def test_no_history(self):
        result = compute_score([DueItem(100, D(2026, 7, 1))], D(2026, 6, 30))
        self.assertIsNone(result.score)
        self.assertFalse(result.grade)

    def test_grades(self):
        self.assertEqual([grade_for(s) for s in (100, 80, 79, 60, 59, 40, 39, 0)],
                         ["A", "A", "B", "B", "C", "C", "D", "D"])


@tagged("post_install", "-at_install")
class TestScoreDailyRun(DebtTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("auto_service_debt.group_debt_user")

    def test_daily_run_scores(self):
        good = self.env["res.partner"].create({"name": "Good Payer"})
        bad = self.env["res.partner"].create({"name": "Bad Payer"})
        inv_good = self._invoice(good, 1000.0, D(2026, 3, 31))
        self._pay(inv_good, 1000.0, D(2026, 3, 30))
        self._invoice(bad, 800.0, D(2026, 3, 22))
        with freeze_time("2026-06-30"):
            self._run(D(2026, 6, 30))
            (good | bad).invalidate_recordset()
            self.assertEqual((good.debt_score, good.debt_grade), (100, "A"))
            self.assertEqual((bad.debt_score, bad.debt_grade), (15, "D"))
            row = self.env["debt.partner.score"].search([("partner_id", "=", bad.id)])
            self.assertEqual(row.overdue_days, 100)
            self.assertIn(bad, self.env["res.partner"].search([("debt_grade", "=", "D")]))
            self.assertNotIn(good, self.env["res.partner"].search([("debt_grade", "=", "D")]))
        # the customer pays; the next day's run lifts the score, one row per customer
        self._pay(bad.invoice_ids, 800.0, D(2026, 7, 1))
        with freeze_time("2026-07-01"):
            self._run(D(2026, 7, 1))
            bad.invalidate_recordset()
            # paid 101 days late: 100 - 40 - 30 = 30
            self.assertEqual((bad.debt_score, bad.debt_grade), (30, "D"))
            self.assertEqual(self.env["debt.partner.score"].search_count([("partner_id", "=", bad.id)]), 1)

    def test_items_of_contacts_count_for_the_customer(self):
        customer = self.env["res.partner"].create({"name": "ООО Контакты", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Мария Иванова", "parent_id": customer.id})
        self._invoice(contact, 800.0, D(2026, 3, 22))
        with freeze_time("2026-06-30"):
            self._run(D(2026, 6, 30))
            row = self.env["debt.partner.score"].search([("partner_id", "=", customer.id)])
            self.assertEqual((row.score, row.grade, row.overdue_days), (15, "D", 100))

    def test_grade_rules_require_prepayment(self):
        """With grade rules on, a D customer must prepay the whole order; an A customer
        confirms as before."""
        self.env.company.write({
            "debt_grade_rules": True, "debt_grade_c_prepayment": 50.0,
            "debt_grade_d_prepayment": 100.0,
            # overdue debts alone must not block here: only the grade rule is under test
            "debt_max_overdue_days": 1000, "debt_max_overdue_amount": 0.0,
        })
        good = self.env["res.partner"].create({"name": "Good Payer"})
        bad = self.env["res.partner"].create({"name": "Bad Payer"})
        self._pay(self._invoice(good, 1000.0, D(2026, 3, 31)), 1000.0, D(2026, 3, 30))
        self._pay(self._invoice(bad, 800.0, D(2026, 1, 10)), 800.0, D(2026, 5, 20))
        with freeze_time("2026-06-30"):
            self._run(D(2026, 6, 30))
            (good | bad).invalidate_recordset()
            self.assertEqual(good.debt_grade, "A")
            self.assertEqual(bad.debt_grade, "D")  # 130 days late: 100 - 40 - 30
            orders = [self._order(partner, 500.0, product=self.product_a) for partner in (good, bad)]
            orders[0].action_confirm()
            self.assertEqual(orders[0].state, "sale")
            with self.assertRaisesRegex(UserError, "Prepayment missing: 100"):
                orders[1].action_confirm()
            self.assertEqual(orders[1].state, "draft")

    def test_incremental_rescoring(self):
        """Within a month only the customers whose score can move are rescored, and
        every stored score still equals a complete recomputation."""
        Score = self.env["debt.partner.score"]
        company = self.env.company
        paid_up = self.env["res.partner"].create({"name": "Paid Up"})
        late = self.env["res.partner"].create({"name": "Late"})
        payer = self.env["res.partner"].create({"name": "Pays Today"})
        falls_due = self.env["res.partner"].create({"name": "Falls Due"})
        self._pay(self._invoice(paid_up, 1000.0, D(2026, 5, 31)), 1000.0, D(2026, 5, 30))
        self._invoice(late, 500.0, D(2026, 5, 20))
        payer_invoice = self._invoice(payer, 700.0, D(2026, 5, 25))
        self._pay(self._invoice(falls_due, 300.0, D(2026, 4, 30)), 300.0, D(2026, 4, 30))
        self._invoice(falls_due, 400.0, D(2026, 6, 10))  # not due yet on 10 June
        self._run(D(2026, 6, 10), steps=["scores"])
        # As in production, yesterday's lines and run lie in the past.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move_line SET write_date = '2026-06-01' WHERE partner_id = ANY(%s)",
            [(paid_up | late | payer | falls_due).ids],
        )
        self.env.cr.execute(
            "UPDATE debt_daily_run_state SET create_date = '2026-06-10 03:00' WHERE run_date = '2026-06-10'"
        )
        self._pay(payer_invoice, 700.0, D(2026, 6, 11))
        candidates = Score._debt_daily_candidates(company, D(2026, 6, 11), "scores")
        self.assertNotIn(paid_up.id, candidates)
        self.assertIn(late.id, candidates)  # open and overdue: a day later
        self.assertIn(payer.id, candidates)  # paid since
        self.assertIn(falls_due.id, candidates)  # an invoice fell due
        self._run(D(2026, 6, 11), steps=["scores"])
        Score.invalidate_model()
        rows = {row.partner_id: row for row in Score.search([("company_id", "=", company.id)])}
        self.assertEqual(rows[late].overdue_days, 22)
        self.assertEqual(rows[payer].overdue_days, 0)
        self.assertEqual(rows[falls_due].item_count, 2)
        self.assertEqual(rows[paid_up].computed_on, D(2026, 6, 10))  # untouched
        partners = paid_up | late | payer | falls_due
        totals = Score._debt_score_totals(partners.ids, company, D(2026, 6, 11))
        for partner in partners:
            expected = score_from_totals(totals.get(partner.id, ScoreTotals()), D(2026, 6, 11))
            self.assertEqual(
                (rows[partner].score, rows[partner].grade or False), (expected.score, expected.grade),
                partner.name,
            )
        # The first run of a month rescores everyone.
        self.assertIn(paid_up.id, Score._debt_daily_candidates(company, D(2026, 7, 1), "scores"))

    def test_totals_match_items(self):
        """The database's sums are the pure function's sums."""
        items = [DueItem(1000, D(2026, 1, 31), D(2026, 1, 30)), DueItem(250.5, D(2026, 2, 28), D(2026, 3, 30)),
                 DueItem(99.99, D(2026, 5, 1)), DueItem(10, D(2026, 7, 1))]
        totals = totals_of(items, D(2026, 6, 30))
        self.assertEqual((totals.count, totals.on_time, totals.oldest_open), (3, 1, D(2026, 5, 1)))
        self.assertAlmostEqual(totals.amount, 1350.49, places=6)
        self.assertAlmostEqual(totals.amount_days_late, 250.5 * 30 + 99.99 * 60, places=6)
        self.assertEqual(score_from_totals(totals, D(2026, 6, 30)), compute_score(items, D(2026, 6, 30)))
