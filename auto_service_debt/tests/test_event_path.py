"""Where features meet: after each ordinary event the stored block flag, the cases, the
plans, the aging and the statement agree with a fresh evaluation (one event path)."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .collection_common import CollectionCommon


@tagged("post_install", "-at_install")
class TestEventPath(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.lang = "en_US"
        cls.Status = cls.env["debt.partner.status"]
        cls.service = cls.env["product.product"].create({
            "name": "Diagnostics", "type": "service", "list_price": 100.0, "taxes_id": [Command.clear()],
        })
        cls.stage_agency = cls.env.ref("auto_service_debt.stage_agency")

    # ------------------------------------------------------------------ helpers

    def _settle(self):
        """The end of the transaction (what a request or a committed batch does)."""
        self.env.cr.flush()

    def _daily(self, day):
        """The whole daily run of ``day``, as the scheduler runs it."""
        self.env["debt.daily.run.state"].sudo().search([]).unlink()
        with freeze_time(day):
            self.env["debt.daily.run"]._run(companies=self.company, today=day)
            self._settle()

    def _stored(self, partner):
        return self.Status.search([("partner_id", "=", partner.id), ("company_id", "=", self.company.id)])

    def _live(self, partner, day):
        with freeze_time(day):
            return self.env["res.partner"]._debt_evaluate(self.company, [(partner, 0.0, None)], day)[0]

    def assertAgree(self, partner, day, blocked):
        """The stored flag and its reasons are what the live check says, and ``blocked``."""
        self._settle()
        live = self._live(partner, day)
        status = self._stored(partner)
        self.assertEqual(bool(live["reasons"]), blocked, live["messages"])
        self.assertEqual(bool(status.blocked), blocked, status.reasons)
        self.assertEqual(status.reasons or False, "\n".join(live["messages"]) or False)
        self.assertEqual(partner.with_company(self.company).debt_blocked, blocked)
        return live

    def _plan(self, invoices, day, **vals):
        with freeze_time(day):
            wizard = self.env["debt.installment.plan.wizard"].with_user(self.manager).with_context(
                active_model="account.move", active_ids=invoices.ids,
            ).create(dict({"installment_count": 3, "interval": "months",
                           "first_due_date": day + timedelta(days=30)}, **vals))
            plan = self.env["debt.installment.plan"].browse(wizard.action_create_plan()["res_id"])
            plan.with_user(self.manager).action_confirm()
            self._settle()
        return plan

    # ------------------------------------------------------------------ seams

    def test_blocked_by_stage_only_is_stored_after_the_run(self):
        """A customer blocked only by its case's stage: stored blocked after the run."""
        self.company.debt_max_overdue_days = 365
        self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        self.assertAgree(self.customer, date(2026, 3, 2), False)
        self._daily(date(2026, 3, 22))
        case = self._case(self.customer)
        self.assertEqual(case.stage_id, self.stage_final)
        live = self.assertAgree(self.customer, date(2026, 3, 22), True)
        self.assertEqual(len(live["messages"]), 1)
        self.assertIn(case.name, live["messages"][0])

    def test_paid_in_full_frees_the_stored_flag(self):
        """Paying in full closes the case and frees the stored flag (no stale reason)."""
        self.company.debt_max_overdue_days = 365
        invoice = self._invoice(self.customer, 1000.0, date(2026, 3, 1))
        self._daily(date(2026, 3, 22))
        self.assertAgree(self.customer, date(2026, 3, 22), True)
        with freeze_time("2026-03-23"):
            self._pay(invoice, on=date(2026, 3, 23))
            self._settle()
        case = self._case(self.customer)
        self.assertEqual((case.state, case.close_reason), ("closed", "paid"))
        self.assertAgree(self.customer, date(2026, 3, 23), False)
        self.assertFalse(self._stored(self.customer).reasons)

    def test_override_over_the_limit_is_stored(self):
        """A manager's override that takes the customer over its limit: stored blocked."""
        self.customer.credit_limit = 1000.0
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({
                "product_id": self.service.id, "product_uom_qty": 1, "price_unit": 1500.0,
                "tax_id": [Command.clear()],
            })],
        })
        self.assertAgree(self.customer, date.today(), False)
        wizard = self.env["debt.block.override.wizard"].with_user(self.manager).create({
            "res_model": "sale.order", "res_id": order.id, "reason": "Fleet contract signed",
        })
        wizard.action_override()
        self.assertEqual(order.state, "sale")
        live = self.assertAgree(self.customer, date.today(), True)
        self.assertEqual(live["position"]["exposure"], 1500.0)
        code, values = live["reasons"][0]
        self.assertEqual((code, values["limit"], values["excess"]), ("credit_limit", 1000.0, 500.0))

    def test_plan_frees_the_customer_in_the_next_run(self):
        """A customer on a confirmed plan is free, stored and live, after the next run."""
        invoice = self._invoice(self.customer, 3000.0, date(2026, 3, 1))
        self._daily(date(2026, 3, 12))
        self.assertAgree(self.customer, date(2026, 3, 12), True)
        self._plan(invoice, date(2026, 3, 12))
        self.assertAgree(self.customer, date(2026, 3, 12), False)
        self._daily(date(2026, 3, 13))
        self.assertAgree(self.customer, date(2026, 3, 13), False)

    def test_plan_pauses_a_blocking_case(self):
        """A plan over the debt of a blocking case pauses the case and lifts its block
        (a first run over 37 days of debt stops at «Final notice»: the claim waits for it)."""
        invoice = self._invoice(self.customer, 40000.0, date(2026, 2, 1))
        self._daily(date(2026, 3, 10))
        case = self._case(self.customer)
        self.assertEqual(case.stage_id, self.stage_final)
        self.assertTrue(case.blocks_customer)
        plan = self._plan(invoice, date(2026, 3, 10))
        self.assertEqual((case.state, case.plan_id), ("open", plan))
        self.assertFalse(case.blocks_customer)
        self.assertEqual((case.overdue_amount, case.dunnable_amount, case.receivable_amount),
                         (0.0, 0.0, 40000.0), "nothing overdue outside the plan")
        self.assertAgree(self.customer, date(2026, 3, 10), False)
        # the paused case does not move on while the plan is kept (first installment 9 April)
        self._daily(date(2026, 4, 5))
        self.assertEqual((case.stage_id, case.plan_id), (self.stage_final, plan))
        self.assertAgree(self.customer, date(2026, 4, 5), False)

    def test_down_payment_keeps_the_case_and_default_resumes_it(self):
        """The down payment does not close the case as paid while the plan is owed; the
        default resumes that same case one stage further."""
        invoice = self._invoice(self.customer, 40000.0, date(2026, 2, 1))
        self._daily(date(2026, 3, 10))
        case = self._case(self.customer)
        plan = self._plan(invoice, date(2026, 3, 10), down_payment_amount=2654.33,
                          down_payment_date=date(2026, 3, 10))
        with freeze_time("2026-03-10"):
            self._pay(invoice, 2654.33, on=date(2026, 3, 10))
            self._settle()
        self.assertEqual(plan.amount_paid, 2654.33)
        self.assertEqual(plan.currency_id.round(plan.amount_left), 37345.67)
        self.assertEqual((case.state, case.plan_id), ("open", plan))
        self.assertFalse(case.close_reason)
        self.assertAgree(self.customer, date(2026, 3, 10), False)
        # first installment (9 April) unpaid beyond the grace days: the plan defaults
        grace = self.company.debt_plan_grace_days
        day = plan.line_ids.filtered(lambda l: not l.is_down_payment).sorted("due_date")[0].due_date
        self._daily(day + timedelta(days=grace + 1))
        self.assertEqual(plan.state, "defaulted")
        cases = self.Case.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(cases, case, "the same case resumes, no new case")
        self.assertEqual(case.state, "open")
        self.assertFalse(case.plan_id)
        # one stage further: from the final notice to the claim (its reminder went a month ago)
        self.assertEqual(case.stage_id, self.stage_claim)
        self.assertTrue(case.blocks_customer)
        self.assertAgree(self.customer, day + timedelta(days=grace + 1), True)

    def test_aging_reconciles_with_the_position(self):
        """Lines under a live plan: the aging shows them apart, its totals are the position's."""
        first = self._invoice(self.customer, 1200.0, date(2026, 1, 10))
        self._invoice(self.customer, 800.0, date(2026, 2, 10))
        self._invoice(self.customer, 500.0, date(2026, 5, 10))
        self._plan(first, date(2026, 3, 1))
        day = date(2026, 3, 1)
        position = self.env["debt.position"]._get_positions(self.customer, self.company, day)[self.customer.id]
        row = self.env["debt.aging.report"]._debt_aging_rows(self.customer.ids, self.company, day)[self.customer.id]
        self.assertEqual(position["overdue_amount"], 800.0)
        self.assertEqual(position["plan_amount"], 1200.0)
        self.assertEqual(row["overdue"], position["overdue_amount"])
        self.assertEqual(row["in_plan"], position["plan_amount"])
        self.assertEqual(row["total"], position["receivable"])
        self.assertEqual(row["total"], 2500.0)
        self.assertEqual(row["not_due"], 500.0)
        self.assertEqual(row["days_1_30"] + row["days_31_60"] + row["days_61_90"] + row["days_90_plus"], 800.0)
        self.assertEqual(row["not_due"] + row["overdue"] + row["in_plan"], row["total"])

    def test_statement_closing_is_what_is_owed_on_its_date(self):
        """Opening + movements = closing = the open items on the statement's date, even with
        payments and invoices after that date."""
        first = self._invoice(self.customer, 1000.0, date(2026, 1, 20), invoice_date=date(2026, 1, 10))
        self._invoice(self.customer, 300.0, date(2026, 3, 20), invoice_date=date(2026, 2, 5))
        self._pay(first, 400.0, on=date(2026, 2, 15))
        late = self._invoice(self.customer, 500.0, date(2026, 4, 20), invoice_date=date(2026, 3, 10))
        self._pay(first, 350.0, on=date(2026, 3, 5))
        self._pay(late, 100.0, on=date(2026, 3, 12))
        values = self.customer._get_debt_statement_values(
            self.company, date(2026, 2, 1), date(2026, 2, 28),
        )[self.customer.id]
        self.assertEqual(values["opening"], 1000.0)
        self.assertEqual((values["debit"], values["credit"]), (300.0, 400.0))
        self.assertEqual(values["closing"], 900.0)
        self.assertEqual(values["open_total"], 900.0)
        self.assertEqual(sorted(item["left"] for item in values["open_items"]), [300.0, 600.0])
        self.assertEqual(values["overdue_total"], 600.0)
        self.assertEqual(values["not_due_total"], 300.0)
        # today: what is owed now
        now = self.customer._get_debt_statement_values(
            self.company, date(2026, 1, 1), date(2026, 3, 31),
        )[self.customer.id]
        self.assertEqual(now["closing"], 950.0)
        self.assertEqual(now["open_total"], 950.0)
