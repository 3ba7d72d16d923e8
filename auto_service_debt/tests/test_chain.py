"""A chain runs its shops as companies of one database: what a customer owes in the other
shops shows on the banners and in the block message (totals only for a user who may not
see those shops), and blocks here when the company says so, through the one event path
and the one statement of the check."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import tagged

from .common import DebtTestCommon, shop_user

TODAY = date(2026, 3, 2)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestChainDebt(DebtTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.lang_en").active = True
        cls.company = cls.company_data["company"]
        cls.company.name = "Garage South"
        cls.company_b = cls.setup_other_company(name="Garage North")["company"]
        cls.env.user.company_ids |= cls.company | cls.company_b
        # the fixtures are made by the test's accountant, who also manages debt
        cls.env.user.groups_id += cls.env.ref("auto_service_debt.group_debt_manager")
        for company in cls.company | cls.company_b:
            company.partner_id.lang = "en_US"
            company.write({"debt_max_overdue_days": 30, "debt_max_overdue_amount": 0.0,
                           "account_use_credit_limit": True})
        cls.service = cls.env["product.product"].create({
            "name": "Diagnostics", "type": "service", "list_price": 100.0,
            "taxes_id": [Command.clear()], "company_id": False,
        })
        cls.customer = cls._customer("Taxi Park LLC")
        # 12,000.00 overdue for 45 days in the other shop, nothing in this one
        cls.invoice_b = cls._invoice(cls.customer, 12000.0, TODAY - timedelta(days=45), company=cls.company_b)
        # a user of this shop only, one of both shops, the owner of this shop
        cls.advisor = shop_user(cls.env, "advisor", "chain_advisor", company=cls.company)
        cls.both = shop_user(cls.env, "advisor", "chain_both", company=cls.company)
        cls.both.company_ids |= cls.company_b
        cls.bookkeeper = shop_user(cls.env, "bookkeeper", "chain_bookkeeper", company=cls.company)
        cls.owner = shop_user(cls.env, "owner", "chain_owner", company=cls.company)

    def _as(self, record, user, lang="en_US"):
        """``record`` as ``user`` sees it in this shop, in ``lang``."""
        return record.with_user(user).with_company(self.company).with_context(lang=lang)

    def _chain_block(self, on):
        """The owner switches the setting on the Debt Control settings screen."""
        self.env["debt.config.wizard"].with_user(self.owner).with_company(self.company).create(
            {"debt_chain_block": on}
        )
        self.assertEqual(self.company.debt_chain_block, on)

    def _blocked_here(self):
        self.env.cr.flush()  # the end of the transaction: the settle step
        return self.customer.with_company(self.company).debt_blocked

    def _pay_b(self):
        self.env["account.payment.register"].with_company(self.company_b).with_context(
            active_model="account.move", active_ids=self.invoice_b.ids,
        ).create({"payment_date": TODAY})._create_payments()

    def test_banner_shows_the_other_shop_as_totals_to_a_user_of_this_shop(self):
        self.assertFalse(self.company.debt_chain_block, "off by default")
        order = self._order(self.customer, 1000.0, user=self.advisor)
        draft = self._invoice(self.customer, 500.0, TODAY + timedelta(days=10), post=False)
        expected = "Elsewhere in the chain: owed $\N{NO-BREAK SPACE}12,000.00, $\N{NO-BREAK SPACE}12,000.00 " \
                   "overdue, up to 45 days late."
        # the draft invoice is the bookkeeper's screen (the advisor does not invoice)
        for record, user in ((order, self.advisor), (self.customer, self.advisor), (draft, self.bookkeeper)):
            shown = self._as(record, user)
            self.assertTrue(shown.debt_show_banner, f"owed elsewhere: the banner of {record._name} shows")
            self.assertEqual(shown.debt_overdue, 0.0, "nothing overdue here")
            self.assertEqual(shown.debt_chain_info, expected, record._name)
            self.assertEqual(shown.debt_block_state, "ok")
        # in Russian, for the advisor's screen
        self.assertEqual(
            self._as(order, self.advisor, "ru_RU").debt_chain_info,
            "В других автосервисах сети: долг $\N{NO-BREAK SPACE}12\N{NO-BREAK SPACE}000,00, "
            "просрочено $\N{NO-BREAK SPACE}12\N{NO-BREAK SPACE}000,00, до 45 дн.",
        )
        # the amounts only: the user of this shop still reads nothing of the other one
        Move = self.env["account.move"].with_user(self.advisor)
        self.assertEqual(Move.search([("partner_id", "=", self.customer.id)]), draft, "this shop's only")
        with self.assertRaises(AccessError):
            self.invoice_b.with_user(self.advisor).read(["name"])
        summary = self.customer.with_user(self.advisor)._debt_chain_summary(self.company)
        self.assertEqual(summary, {self.customer.id: [{
            "company_id": False, "company_name": False, "receivable": 12000.0, "overdue_amount": 12000.0,
            "overdue_count": 1, "oldest_due_date": TODAY - timedelta(days=45), "overdue_days": 45,
        }]})
        # the setting is off: the customer is served here
        order.with_user(self.advisor).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(self._blocked_here())

    def test_user_of_both_shops_sees_each_shop(self):
        order = self._order(self.customer, 1000.0, user=self.both)
        self.assertEqual(
            self._as(order, self.both).debt_chain_info,
            "Elsewhere in the chain, Garage North: owed $\N{NO-BREAK SPACE}12,000.00, "
            "$\N{NO-BREAK SPACE}12,000.00 overdue, up to 45 days late.",
        )
        [row] = self.customer.with_user(self.both)._debt_chain_summary(self.company)[self.customer.id]
        self.assertEqual((row["company_id"], row["company_name"], row["overdue_amount"], row["overdue_days"]),
                         (self.company_b.id, "Garage North", 12000.0, 45))
        # the other way round: nothing owed in this shop, nothing shown in the other one
        self.assertFalse(self.customer.with_user(self.both)._debt_chain_summary(self.company_b)[self.customer.id])
        self.assertFalse(self._as(self.customer, self.both).with_company(self.company_b).debt_chain_info)

    def test_setting_blocks_here_for_overdue_debt_there(self):
        self.assertFalse(self._blocked_here())
        self._chain_block(True)
        self.assertTrue(self._blocked_here(), "the stored flag follows the setting")
        status = self.env["debt.partner.status"].search([
            ("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)])
        self.assertEqual(status.reasons, "Overdue in other shops of the chain for 45 days, 30 days allowed; "
                                         "overdue amount $\N{NO-BREAK SPACE}12,000.00.")
        order = self._order(self.customer, 1000.0, user=self.advisor)
        self.assertEqual(self._as(order, self.advisor).debt_block_state, "blocked")
        with self.assertRaises(UserError) as refused:
            self._as(order, self.advisor).action_confirm()
        message = str(refused.exception)
        self.assertIn("• Overdue in other shops of the chain for 45 days", message)
        self.assertIn("Elsewhere in the chain: owed $\N{NO-BREAK SPACE}12,000.00", message)
        self.assertNotIn("Garage North", message)
        self.assertNotIn(self.invoice_b.name, message)
        self.assertEqual(order.state, "draft")
        # the owner of this shop is offered the override, like any block
        with self.assertRaises(RedirectWarning):
            order.with_user(self.owner).action_confirm()
        # switched off and on again: the flag follows at once
        self._chain_block(False)
        self.assertFalse(self._blocked_here())
        self._chain_block(True)
        self.assertTrue(self._blocked_here())
        # paid in the other shop: free here at once (the event path marks this shop too)
        self._pay_b()
        self.assertFalse(self._blocked_here())
        order.with_user(self.advisor).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_judged_by_the_days_allowed_here(self):
        """Debt elsewhere that is late by less than the days allowed here does not block;
        a trusted customer is never blocked; the daily run sets the flag when it grows
        late enough."""
        self._chain_block(True)
        recent = self._customer("Courier LLC")
        self._invoice(recent, 3000.0, TODAY - timedelta(days=10), company=self.company_b)
        self.assertFalse(recent.with_company(self.company).debt_blocked)
        order = self._order(recent, 100.0, user=self.advisor)
        order.with_user(self.advisor).action_confirm()
        self.assertEqual(order.state, "sale")
        self.customer.with_company(self.company).sudo().debt_block_mode = "never"
        self.assertFalse(self._blocked_here())
        later = TODAY + timedelta(days=21)
        with freeze_time(later):
            self._run(later, companies=self.company | self.company_b)
            recent.invalidate_recordset()
            self.assertTrue(recent.with_company(self.company).debt_blocked, "31 days late in the other shop")

    def test_check_stays_one_statement(self):
        """The check at confirmation reads the chain in the same statement as the
        position and the policy: one query on a warm cache, blocked or not."""
        self._chain_block(True)
        served = self._customer("Courier LLC")
        self._invoice(served, 3000.0, TODAY - timedelta(days=10), company=self.company_b)
        served_order = self._order(served, 100.0)
        blocked_order = self._order(self.customer, 100.0, user=self.advisor)
        served_order._debt_check_block()
        with self.assertQueryCount(1):
            served_order._debt_check_block()
        # refused for the debt there: the same one statement (the exception is caught
        # without a savepoint, which would empty the cache)
        def refusal(order):
            try:
                self._as(order, self.advisor)._debt_check_block()
            except UserError as error:
                return str(error)
            return self.fail("not refused")

        refusal(blocked_order)
        with self.assertQueryCount(1):
            message = refusal(blocked_order)
        self.assertIn("Overdue in other shops of the chain for 45 days", message)
        self.assertIn("Elsewhere in the chain: owed", message)

    def test_follow_up_screen_shows_the_chain(self):
        """The case of this shop shows what the customer owes in the other one, as its
        collector may see it."""
        self._invoice(self.customer, 800.0, TODAY - timedelta(days=40))
        self._step("debt.collection.case", "_debt_daily_collect", self.customer, TODAY)
        case = self._open_case(self.customer)
        self.assertEqual(len(case), 1)
        self.assertEqual(
            self._as(case, self.bookkeeper).debt_chain_info,
            "Elsewhere in the chain: owed $\N{NO-BREAK SPACE}12,000.00, $\N{NO-BREAK SPACE}12,000.00 "
            "overdue, up to 45 days late.",
        )
        self._pay_b()
        case.invalidate_recordset()
        self.assertFalse(self._as(case, self.bookkeeper).debt_chain_info, "nothing owed there any more")
