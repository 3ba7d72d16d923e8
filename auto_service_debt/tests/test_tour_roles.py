"""One browser tour per role of the shop, each as a user set up the way a shop sets up its
staff (``common.shop_user``: not an administrator, no e-mail address, Russian interface):

- the service advisor picks a blocked customer on a new quotation, sees the banner before
  saving and is refused the confirmation with the reasons;
- the bookkeeper logs a call, records a promise, sends a reminder and prints the claim
  letter of the customer's collection case;
- the owner changes the Debt Control settings, overrides a block, confirms an installment
  plan and writes off a debt.
"""

from datetime import timedelta
from urllib.parse import urlencode

from odoo.tests import HttpCase, tagged

from .common import DebtFixtures, shop_today, shop_user

DEBTOR = "ООО «Колесо»"
PLAN_CUSTOMER = "ООО «Рассрочка-Авто»"


@tagged("post_install", "-at_install", "asd_tour")
class TestRolesTour(DebtFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = company = env.company
        # the staff's today: the banner and the block count days as they see them
        cls.today = today = shop_today(env)
        cls.expense = env["account.account"].search([
            ("account_type", "=", "expense"), ("company_ids", "in", company.id),
        ], limit=1)
        company.write({
            "debt_max_overdue_days": 30,
            "debt_max_overdue_amount": 0.0,
            "debt_prepayment_percent": 0.0,
            "account_use_credit_limit": True,
            "debt_bad_debt_account_id": cls.expense.id,
        })
        cls.debtor = cls._customer(
            DEBTOR, "buh@koleso.example", tz="Europe/Moscow", lang="ru_RU", phone="+7 495 000-00-00",
            policy={"credit_limit": 1000.0},
        )
        cls.service = cls._service_product("Замена тормозных колодок", list_price=4500.0)
        cls.invoice = cls._invoice(cls.debtor, 12000.0, today - timedelta(days=100))
        # The collection step of the daily run for this customer: it opens the case.
        cls._step("debt.collection.case", "_debt_daily_collect", cls.debtor, today)
        cls.case = cls._open_case(cls.debtor)
        assert len(cls.case) == 1, "the daily run opened no case for the debtor"
        # The payment-discipline score of the daily run: the banner shows the grade.
        cls._step("debt.partner.score", "_debt_daily_score", cls.debtor, today)
        cls.debtor.invalidate_recordset()
        cls.grade = cls.debtor.with_company(company).debt_grade
        assert cls.grade, "the debtor got no payment-discipline grade"

    def _tour(self, url, tour, user, **ids):
        """Run ``tour`` as ``user``; ``ids`` (record and action ids the tour needs for its
        selectors and URLs) reach the tour in a cookie."""
        self.env.flush_all()
        self.start_tour(url, tour, login=user.login, cookies={"asd_roles_tour": urlencode(ids)},
                        timeout=180)

    def _action_id(self, xmlid):
        return self.env.ref(f"auto_service_debt.{xmlid}").id

    # ------------------------------------------------------------------
    def test_advisor_tour(self):
        advisor = shop_user(self.env, "advisor")
        self.assertEqual(self.debtor.with_company(self.company).debt_grade, self.grade)
        self._tour("/odoo/sale.order/new", "asd_roles_advisor_tour", advisor, grade=self.grade)
        orders = self.env["sale.order"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(len(orders), 1, "the advisor's quotation was saved once, at Confirm")
        self.assertEqual(orders.user_id, advisor)
        self.assertEqual(orders.state, "draft", "a blocked customer's quotation stays a quotation")
        self.assertEqual(orders.order_line.product_id, self.service)
        self.assertFalse(self.env["debt.block.override"].search([
            ("res_model", "=", "sale.order"), ("res_id", "=", orders.id),
        ]))

    # ------------------------------------------------------------------
    def test_bookkeeper_tour(self):
        bookkeeper = shop_user(self.env, "bookkeeper")
        self.assertFalse(bookkeeper.email)
        case = self.case
        mails_before = self.env["mail.mail"].search([
            ("model", "=", case._name), ("res_id", "=", case.id),
        ])
        self._tour(
            f"/odoo/debt.collection.case/{case.id}", "asd_roles_bookkeeper_tour", bookkeeper,
            log=self._action_id("action_debt_log_contact_wizard"),
            promise=self._action_id("action_debt_promise_wizard"),
            year=self.today.year,
        )
        contact = self.env["debt.contact.log"].search([("case_id", "=", case.id)])
        self.assertEqual(len(contact), 1)
        self.assertEqual((contact.channel, contact.result), ("call", "reached"))
        self.assertEqual(contact.note, "Бухгалтер обещал оплату после сверки")
        self.assertEqual(contact.user_id, bookkeeper)

        promise = self.env["debt.collection.promise"].search([("case_id", "=", case.id)])
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.amount, 5000.0)
        self.assertEqual(promise.state, "open")
        # "+7d" in the browser's time zone: a week ahead, give or take the day boundary.
        self.assertLessEqual(abs((promise.date - (self.today + timedelta(days=7))).days), 1)
        self.assertEqual(case.promise_date, promise.date)

        reminder = self.env["debt.dunning.log"].search([("case_id", "=", case.id), ("kind", "=", "manual")])
        self.assertTrue(reminder, "the manual reminder was not logged")
        self.assertEqual(set(reminder.mapped("channel")), {"email"})
        mails = self.env["mail.mail"].search([
            ("model", "=", case._name), ("res_id", "=", case.id), ("id", "not in", mails_before.ids),
            ("recipient_ids", "in", self.debtor.ids),
        ])
        self.assertEqual(len(mails), 1, "one reminder e-mail to the debtor")
        self.assertEqual(reminder.mail_id, mails)
        self.assertIn(self.invoice.name, mails.body_html)

        claim = self.env["debt.claim"].search([("case_id", "=", case.id)])
        self.assertEqual(len(claim), 1, "printing the claim letter issues one claim")
        self.assertEqual(claim.state, "issued")
        self.assertEqual(claim.partner_id, self.debtor)
        self.assertEqual(claim.principal_amount, 12000.0)
        self.assertEqual(case.claim_number, claim.name)

    # ------------------------------------------------------------------
    def test_owner_tour(self):
        owner = shop_user(self.env, "owner")
        self.assertFalse(owner.has_group("base.group_system"))
        order = self._order(self.debtor, 4500.0)
        plan_customer = self._customer(PLAN_CUSTOMER, lang="ru_RU")
        plan_invoice = self._invoice(plan_customer, 30000.0, self.today - timedelta(days=20))
        action = self.env["debt.installment.plan.wizard"].with_context(
            active_model="account.move", active_ids=plan_invoice.ids,
        ).create({
            "installment_count": 3, "interval": "months",
            "first_due_date": self.today + timedelta(days=30),
        }).action_create_plan()
        plan = self.env["debt.installment.plan"].browse(action["res_id"])
        self.assertEqual(plan.state, "draft")

        self._tour(
            "/odoo", "asd_roles_owner_tour", owner,
            order=order.id, plan=plan.id, case=self.case.id,
            write_off=self._action_id("action_debt_write_off_wizard"),
        )
        # Settings: the allowed overdue days of the company.
        self.company.invalidate_recordset()
        self.assertEqual(self.company.debt_max_overdue_days, 45)
        # The override: the order confirmed, the reason logged.
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")
        override = self.env["debt.block.override"].search([
            ("res_model", "=", "sale.order"), ("res_id", "=", order.id),
        ])
        self.assertEqual(len(override), 1)
        self.assertEqual(override.user_id, owner)
        self.assertEqual(override.reason, "Договор с автопарком продлён, оплата гарантирована")
        # The plan.
        plan.invalidate_recordset()
        self.assertEqual(plan.state, "active")
        self.assertTrue(plan_invoice.debt_in_plan)
        # The write-off.
        case = self.case
        case.invalidate_recordset()
        self.assertEqual((case.state, case.close_reason), ("closed", "written_off"))
        move = case.write_off_move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(case.write_off_reason, "Клиент ликвидирован")
        expense = move.line_ids.filtered(lambda line: line.account_id == self.expense)
        self.assertEqual(expense.debit, 12000.0)
        self.invoice.invalidate_recordset()
        self.assertEqual(self.invoice.payment_state, "paid")
