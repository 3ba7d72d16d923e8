from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged

from ..tools.score import DueItem, compute_score, grade_for

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
class TestScoreDailyRun(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("auto_service_debt.group_debt_user")

    def _invoice(self, partner, amount, due):
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id,
            "invoice_date": due - timedelta(days=10), "invoice_date_due": due,
            "invoice_line_ids": [Command.create({
                "name": "Work", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()],
            })],
        })
        move.action_post()
        return move

    def _pay(self, move, amount, when):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": amount, "payment_date": when}).action_create_payments()

    def test_daily_run_scores(self):
        good = self.env["res.partner"].create({"name": "Good Payer"})
        bad = self.env["res.partner"].create({"name": "Bad Payer"})
        inv_good = self._invoice(good, 1000.0, D(2026, 3, 31))
        self._pay(inv_good, 1000.0, D(2026, 3, 30))
        self._invoice(bad, 800.0, D(2026, 3, 22))
        with freeze_time("2026-06-30"):
            self.env["debt.daily.run"]._run(companies=self.env.company, today=D(2026, 6, 30))
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
            self.env["debt.daily.run"]._run(companies=self.env.company, today=D(2026, 7, 1))
            bad.invalidate_recordset()
            # paid 101 days late: 100 - 40 - 30 = 30
            self.assertEqual((bad.debt_score, bad.debt_grade), (30, "D"))
            self.assertEqual(self.env["debt.partner.score"].search_count([("partner_id", "=", bad.id)]), 1)

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
            self.env["debt.daily.run"]._run(companies=self.env.company, today=D(2026, 6, 30))
            (good | bad).invalidate_recordset()
            self.assertEqual(good.debt_grade, "A")
            self.assertEqual(bad.debt_grade, "D")  # 130 days late: 100 - 40 - 30
            orders = self.env["sale.order"].create([{
                "partner_id": partner.id,
                "order_line": [Command.create({
                    "product_id": self.product_a.id, "product_uom_qty": 1, "price_unit": 500.0,
                    "tax_id": [Command.clear()],
                })],
            } for partner in (good, bad)])
            orders[0].action_confirm()
            self.assertEqual(orders[0].state, "sale")
            with self.assertRaisesRegex(UserError, "Prepayment missing: 100"):
                orders[1].action_confirm()
            self.assertEqual(orders[1].state, "draft")
