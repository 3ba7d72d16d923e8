from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase
from odoo.tools.misc import format_date, formatLang

from ..models.debt_position import is_overdue
from ..tools.debt_block import evaluate_block
from .common import DebtTestCommon

TODAY = date(2025, 3, 1)
# A manager's refusal offers the override (RedirectWarning); others get a UserError.
BLOCKED = (UserError, RedirectWarning)


@tagged("post_install", "-at_install")
class TestBlockRules(TransactionCase):
    """The pure rule function, table-driven."""

    def test_evaluate_block_table(self):
        base_pos = {"blocking_exposure": 0.0, "overdue_amount": 0.0, "overdue_count": 0, "overdue_days": 0}
        base_policy = {"mode": "auto", "credit_limit": 0.0, "max_overdue_days": 0,
                       "max_overdue_amount": 0.0, "prepayment_percent": 0.0}
        over = {"overdue_amount": 100.0, "overdue_count": 1, "overdue_days": 31}
        cases = [
            # (label, position, policy, amount, paid, expected codes)
            ("no debt, no limit", {}, {}, 500.0, None, []),
            ("under limit", {"blocking_exposure": 300.0}, {"credit_limit": 1000.0}, 700.0, None, []),
            ("over limit with the order", {"blocking_exposure": 300.0}, {"credit_limit": 1000.0}, 700.01, None,
             ["credit_limit"]),
            ("overdue within allowed days", dict(over, overdue_days=30), {"max_overdue_days": 30}, 0.0, None, []),
            ("overdue one day too long", over, {"max_overdue_days": 30}, 0.0, None, ["overdue_days"]),
            ("0 days allowed: any overdue blocks", dict(over, overdue_days=1), {}, 0.0, None, ["overdue_days"]),
            ("overdue amount over its limit", dict(over, overdue_days=5),
             {"max_overdue_days": 30, "max_overdue_amount": 99.99}, 0.0, None, ["overdue_amount"]),
            ("0 overdue amount: no amount limit", dict(over, overdue_days=5), {"max_overdue_days": 30}, 0.0, None, []),
            ("never", over, {"mode": "never", "credit_limit": 1.0}, 10.0, 0.0, []),
            ("always", {}, {"mode": "always", "block_reason": "fraud"}, 0.0, None, ["always"]),
            ("prepayment missing", {}, {"prepayment_percent": 50.0}, 1000.0, 499.99, ["prepayment"]),
            ("prepayment paid", {}, {"prepayment_percent": 50.0}, 1000.0, 500.0, []),
            ("prepayment not applicable", {}, {"prepayment_percent": 50.0}, 1000.0, None, []),
            ("extra reason of a plan", {}, {}, 0.0, None, ["extra"]),
        ]
        for label, pos, policy, amount, paid, expected in cases:
            with self.subTest(label):
                extra = ["Installment plan defaulted"] if label.startswith("extra") else ()
                reasons = evaluate_block(base_pos | pos, base_policy | policy, amount, paid, extra)
                self.assertEqual([code for code, _val in reasons], expected)
        reasons = evaluate_block(base_pos | {"blocking_exposure": 300.0}, base_policy | {"credit_limit": 1000.0}, 800.0)
        self.assertEqual(reasons[0][1]["total"], 1100.0)
        self.assertEqual(reasons[0][1]["excess"], 100.0)


def digits(text):
    """Amounts as digits only, whatever the language's separators."""
    return "".join(ch for ch in str(text) if ch.isdigit())


class BlockCommon(DebtTestCommon):
    def assertAmountIn(self, amount, text):
        self.assertIn(digits(amount), digits(text), text)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({
            "debt_max_overdue_days": 30,
            "debt_max_overdue_amount": 0.0,
            "debt_prepayment_percent": 0.0,
            "debt_block_repair": True,
            "account_use_credit_limit": True,
        })
        cls.service = cls._service_product("Diagnostics")
        groups = ("base.group_user,sales_team.group_sale_salesman_all_leads,account.group_account_invoice,"
                  "stock.group_stock_user,base.group_partner_manager,")
        cls.advisor = new_test_user(
            cls.env, "debt_advisor", groups=groups + "auto_service_debt.group_debt_user",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )
        cls.collector = new_test_user(
            cls.env, "debt_collector", groups=groups + "auto_service_debt.group_debt_collector",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env, "debt_manager", groups=groups + "auto_service_debt.group_debt_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _partner(cls, name, limit=0.0, company=None, **policy):
        """A customer with a credit limit and policy set by a manager."""
        return cls._customer(name, company=company, policy=dict(policy, credit_limit=limit) if limit or policy else None)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestServiceBlock(BlockCommon):
    def test_scenarios(self):
        # under the limit -> confirms
        partner = self._partner("Under", limit=10000.0)
        self._invoice(partner, 3000.0, TODAY + timedelta(days=10))
        order = self._order(partner, 5000.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

        # over the limit counting the new order (and the confirmed unbilled order) -> blocked
        order2 = self._order(partner, 2000.01)
        with self.assertRaises(UserError) as err:
            order2.with_user(self.advisor).action_confirm()
        self.assertIn("Credit limit exceeded", str(err.exception))
        self.assertAmountIn("10,000.00", str(err.exception))
        self.assertAmountIn("10,000.01", str(err.exception))
        self.assertEqual(order2.state, "draft")
        order3 = self._order(partner, 2000.0)
        order3.action_confirm()  # exactly at the limit is allowed
        self.assertEqual(order3.state, "sale")

    def test_overdue_days_and_pay_unblocks_at_once(self):
        partner = self._partner("Late")
        on_edge = self._partner("On the edge")
        self._invoice(on_edge, 1000.0, TODAY - timedelta(days=30))
        order_edge = self._order(on_edge, 100.0)
        order_edge.action_confirm()
        self.assertEqual(order_edge.state, "sale")

        invoice = self._invoice(partner, 1000.0, TODAY - timedelta(days=31))
        order = self._order(partner, 100.0)
        with self.assertRaises(UserError) as err:
            order.action_confirm()
        self.assertIn("Overdue for 31 days", str(err.exception))
        self.assertTrue(partner.debt_blocked, "the flag is set when the invoice is posted")
        self.assertIn(partner, self.env["res.partner"].search([("debt_blocked", "=", True)]))

        payment = self._pay(invoice, on=TODAY)
        self.assertFalse(partner.debt_blocked, "paying refreshes the flag at once")
        self.assertNotIn(partner, self.env["res.partner"].search([("debt_blocked", "=", True)]))
        order.action_confirm()
        self.assertEqual(order.state, "sale")

        # Unreconciling the payment blocks the customer again at once.
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertTrue(partner.debt_blocked)

    def test_mode_never_and_always(self):
        trusted = self._partner("Trusted", limit=100.0, debt_block_mode="never")
        self._invoice(trusted, 5000.0, TODAY - timedelta(days=200))
        order = self._order(trusted, 1000.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

        banned = self._partner("Banned", debt_block_mode="always", debt_block_reason="Bounced cheque")
        self.assertTrue(banned.debt_blocked, "a manual block is flagged at once")
        order = self._order(banned, 10.0)
        with self.assertRaises(UserError) as err:
            order.action_confirm()
        self.assertIn("Bounced cheque", str(err.exception))
        self.assertEqual(order.state, "draft")

    def test_multi_due_date_counts_only_late_installment(self):
        term = self.env["account.payment.term"].create({
            "name": "Half in 10 days, half in 90 days",
            "line_ids": [
                Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 10}),
                Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 90}),
            ],
        })
        partner = self._partner(
            "Installments", debt_custom_terms=True, debt_max_overdue_days=60,
            debt_max_overdue_amount=6000.0,
        )
        self._invoice(partner, 10000.0, None, invoice_date=date(2025, 1, 1), term=term)
        pos = self.env["debt.position"]._get_positions(partner, self.company, TODAY)[partner.id]
        self.assertEqual(pos["receivable"], 10000.00)
        self.assertEqual(pos["overdue_amount"], 5000.00)
        self.assertEqual(pos["overdue_days"], 49)  # due 2025-01-11
        order = self._order(partner, 100.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

        partner.with_company(self.company).sudo().debt_max_overdue_amount = 4999.99
        order = self._order(partner, 100.0)
        with self.assertRaises(UserError) as err:
            order.action_confirm()
        self.assertIn("Overdue amount", str(err.exception))
        self.assertAmountIn("5,000.00", str(err.exception))

    def test_prepayment_half(self):
        partner = self._partner("Prepay", debt_custom_terms=True, debt_max_overdue_days=30,
                                debt_prepayment_percent=50.0)
        order = self._order(partner, 10000.0)
        with self.assertRaises(UserError) as err:
            order.action_confirm()
        self.assertIn("Prepayment missing", str(err.exception))
        self.assertAmountIn("5,000.00", str(err.exception))
        action = order.with_user(self.collector).action_debt_register_prepayment()
        self.assertEqual(action["context"]["default_amount"], 5000.0)

        def pay(amount):
            payment = self.env["account.payment"].create({
                "payment_type": "inbound", "partner_type": "customer", "partner_id": partner.id,
                "amount": amount, "journal_id": self.company_data["default_journal_bank"].id,
                "debt_sale_order_id": order.id, "date": TODAY,
            })
            payment.action_post()
            return payment

        pay(4999.99)
        order.invalidate_recordset()
        self.assertEqual(order.debt_prepay_paid, 4999.99)
        with self.assertRaises(UserError):
            order.action_confirm()
        pay(0.01)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_company_default_prepayment_and_policy_rights(self):
        self.company.debt_prepayment_percent = 30.0
        partner = self._partner("Default terms")
        order = self._order(partner, 1000.0)
        with self.assertRaises(UserError) as err:
            order.action_confirm()
        self.assertAmountIn("300.00", str(err.exception))
        with self.assertRaises(AccessError):
            partner.with_user(self.collector).write({"debt_block_mode": "never"})
        partner.with_user(self.manager).write({"debt_block_mode": "never"})
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_repair_order_block(self):
        partner = self._partner("Repair", debt_block_mode="always", debt_block_reason="Court case")
        repair = self.env["repair.order"].create({"partner_id": partner.id})
        with self.assertRaises(UserError) as err:
            repair.action_validate()
        self.assertIn("Court case", str(err.exception))
        with self.assertRaises(UserError):
            repair.action_repair_start()
        self.assertEqual(repair.state, "draft")
        self.company.debt_block_repair = False
        repair.action_validate()
        self.assertEqual(repair.state, "confirmed")

    def test_banners(self):
        partner = self._partner("Banner", limit=5000.0)
        self._invoice(partner, 1500.0, TODAY - timedelta(days=40))
        draft = self._invoice(partner, 700.0, TODAY + timedelta(days=5), post=False)
        order = self._order(partner, 4000.0)
        order_adv = order.with_user(self.advisor)
        self.assertTrue(order_adv.debt_show_banner)
        self.assertEqual(order_adv.debt_owed, 1500.0)
        self.assertEqual(order_adv.debt_overdue, 1500.0)
        self.assertEqual(order_adv.debt_overdue_days, 40)
        self.assertEqual(order_adv.debt_limit, 5000.0)
        self.assertEqual(order_adv.debt_limit_remaining, 3500.0)
        self.assertEqual(order_adv.debt_block_state, "blocked")
        self.assertIn("Credit limit exceeded", order_adv.debt_block_info)
        self.assertIn("Overdue for 40 days", order_adv.debt_block_info)
        p = partner.with_user(self.advisor)
        self.assertEqual((p.debt_owed, p.debt_block_state), (1500.0, "blocked"))
        self.assertNotIn("Credit limit", p.debt_block_info)
        self.assertEqual(draft.with_user(self.advisor).debt_overdue, 1500.0)
        # Salespeople without a debt group do not read the figures.
        seller = new_test_user(self.env, "plain_seller", groups="base.group_user,sales_team.group_sale_salesman_all_leads")
        with self.assertRaises(AccessError):
            order.with_user(seller).read(["debt_owed"])

    def test_daily_run_refreshes_flags(self):
        partner = self._partner("Daily")
        self._invoice(partner, 1000.0, TODAY + timedelta(days=1))
        self.assertFalse(partner.debt_blocked)
        with freeze_time(TODAY + timedelta(days=40)):
            # Time passes: nothing was posted or paid; the daily run sets the flag.
            later = TODAY + timedelta(days=40)
            steps = self.env["debt.daily.run"]._debt_daily_steps()
            self.assertIn((90, "flags", "debt.partner.status", "_debt_daily_refresh"), steps)
            Status = self.env["debt.partner.status"].sudo()
            candidates = Status._debt_daily_candidates(self.company, later, "flags")
            self.assertIn(partner.id, candidates)
            Status._debt_daily_refresh(self.env["res.partner"].browse(sorted(candidates)), self.company, later)
            partner.invalidate_recordset()
            self.assertTrue(partner.debt_blocked)
            status = self.env["debt.partner.status"].sudo().search([("partner_id", "=", partner.id)])
            self.assertEqual(len(status), 1)
            self.assertEqual(status.overdue_days, 39)
            self.assertEqual(status.overdue_amount, 1000.0)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestBlockOverride(BlockCommon):
    def setUp(self):
        super().setUp()
        self.partner = self._partner("Debtor", limit=1000.0)
        self._invoice(self.partner, 800.0, TODAY - timedelta(days=45))
        self.order = self._order(self.partner, 500.0)

    def _wizard(self, user, order):
        return self.env["debt.block.override.wizard"].with_user(user).with_context(
            default_res_model="sale.order", default_res_id=order.id
        ).create({"reason": "Fleet contract renewal agreed by phone"})

    def test_manager_override(self):
        with self.assertRaises(RedirectWarning) as err:
            self.order.with_user(self.manager).action_confirm()
        action = err.exception.args[1]
        self.assertEqual(action["res_model"], "debt.block.override.wizard")
        wizard = self._wizard(self.manager, self.order)
        self.assertIn("Credit limit exceeded", wizard.block_reasons)
        wizard.action_override()
        self.assertEqual(self.order.state, "sale")
        overrides = self.env["debt.block.override"].sudo().search([("partner_id", "=", self.partner.id)])
        self.assertEqual(len(overrides), 1)
        self.assertRecordValues(overrides, [{
            "user_id": self.manager.id, "res_model": "sale.order", "res_id": self.order.id,
            "document_name": self.order.name, "exposure": 800.0, "overdue_amount": 800.0,
            "overdue_days": 45, "credit_limit": 1000.0, "order_amount": 500.0,
            "reason": "Fleet contract renewal agreed by phone", "company_id": self.company.id,
        }])
        self.assertIn("Overdue for 45 days", overrides.block_reasons)
        for thread in (self.order, self.partner):
            bodies = " ".join(thread.message_ids.mapped("body"))
            self.assertIn("Fleet contract renewal agreed by phone", bodies)
        # The collector sees the log but cannot change it.
        log = overrides.with_user(self.collector)
        self.assertEqual(log.reason, "Fleet contract renewal agreed by phone")
        with self.assertRaises(AccessError):
            log.write({"reason": "edited"})

    def test_collector_cannot_override(self):
        with self.assertRaises(UserError) as err:
            self.order.with_user(self.collector).action_confirm()
        self.assertNotIsInstance(err.exception, RedirectWarning)
        self.assertIn("ask a Debt Manager", str(err.exception))
        # RPC-like calls: the wizard, a forged override, a forged context.
        with self.assertRaises(AccessError):
            self._wizard(self.collector, self.order)
        with self.assertRaises(AccessError):
            self.env["debt.block.override"].with_user(self.collector).create({
                "user_id": self.manager.id, "res_model": "sale.order", "res_id": self.order.id,
                "document_name": "x", "partner_id": self.partner.id, "company_id": self.company.id,
                "reason": "forged",
            })
        other = self._order(self.partner, 10.0)
        self._wizard(self.manager, other).action_override()
        genuine = self.env["debt.block.override"].sudo().search([("res_id", "=", other.id)])
        self.assertEqual(len(genuine), 1)
        with self.assertRaises(UserError):
            self.order.with_user(self.collector).with_context(
                debt_block_override_id=genuine.id
            ).action_confirm()
        # Even a manager cannot reuse an override made for another document.
        with self.assertRaises(RedirectWarning):
            self.order.with_user(self.manager).with_context(
                debt_block_override_id=genuine.id
            ).action_confirm()
        # A wizard prepared by a manager cannot be run by the collector.
        wizard = self._wizard(self.manager, self.order)
        with self.assertRaises(AccessError):
            wizard.with_user(self.collector).action_override()
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(self.env["debt.block.override"].sudo().search_count([("res_id", "=", self.order.id),
                                                                      ("res_model", "=", "sale.order")]), 0)

    def test_repair_override_starts(self):
        repair = self.env["repair.order"].create({"partner_id": self.partner.id})
        with self.assertRaises(RedirectWarning) as err:
            repair.with_user(self.manager).action_repair_start()
        action = err.exception.args[1]
        wizard = self.env["debt.block.override.wizard"].with_user(self.manager).with_context(
            **action["context"]
        ).create({"reason": "Warranty work"})
        wizard.action_override()
        self.assertEqual(repair.state, "under_repair")
        self.assertEqual(self.env["debt.block.override"].sudo().search_count([("res_model", "=", "repair.order")]), 1)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestBlockScale(BlockCommon):
    def _count(self, order):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        try:
            order._debt_check_block()
        except BLOCKED:
            pass
        return self.cr.sql_log_count - before

    def test_query_count_constant(self):
        small = self._partner("Two invoices", limit=10**9)
        big = self._partner("Three hundred invoices", limit=10**9)
        self._invoice(small, 100.0, TODAY - timedelta(days=3))
        self._invoice(small, 100.0, TODAY + timedelta(days=3))
        line = Command.create({
            "product_id": self.service.id, "quantity": 1, "price_unit": 10.0, "tax_ids": [Command.clear()],
        })
        moves = self.env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": big.id, "company_id": self.company.id,
            "invoice_date": TODAY - timedelta(days=20 + i % 10), "invoice_date_due": TODAY - timedelta(days=i % 10),
            "invoice_line_ids": [line],
        } for i in range(300)])
        moves.action_post()
        pos = self.env["debt.position"]._get_positions(big, self.company, TODAY)[big.id]
        self.assertEqual(pos["receivable"], 3000.0)
        small_order, big_order = self._order(small, 50.0), self._order(big, 50.0)
        self._count(small_order)  # warm the registry caches (ir.default, groups)
        small_count = self._count(small_order)
        big_count = self._count(big_order)
        self.assertEqual(small_count, big_count)
        # Cold cache: the order, company, currency, user and partner reads (which the
        # confirmation makes anyway) and ONE evaluation query: position, policy,
        # defaulted plans and blocking cases together (no prepayment query: none
        # required).
        self.assertLessEqual(big_count, 7)

    def _queries(self, func):
        """The number of queries of ``func()`` on a warm cache (run once before)."""
        func()
        self.env.flush_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_query_counts_as_documented(self):
        """README: the position of any number of customers is one SQL statement, and so
        is the evaluation of a daily-run batch (position, policy and other features'
        facts together); the check at confirmation is one statement on a warm cache; the
        queries of a batch of the flags and scores steps do not grow with its customers."""
        Partner, Position = self.env["res.partner"], self.env["debt.position"]
        few = Partner.concat(*(self._partner(f"Few {i}") for i in range(2)))
        many = Partner.concat(*(self._partner(f"Many {i}") for i in range(60)))  # > 50: batch plan
        line = Command.create({
            "product_id": self.service.id, "quantity": 1, "price_unit": 100.0, "tax_ids": [Command.clear()],
        })
        self.env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": partner.id, "company_id": self.company.id,
            "invoice_date": TODAY - timedelta(days=13), "invoice_date_due": TODAY - timedelta(days=3),
            "invoice_line_ids": [line],
        } for partner in few | many]).action_post()
        for partners in (few, many):
            Position._get_positions(partners, self.company, TODAY)
            with self.assertQueryCount(1):
                positions = Position._get_positions(partners, self.company, TODAY)
            self.assertEqual({pid: pos["receivable"] for pid, pos in positions.items()},
                             dict.fromkeys(partners.ids, 100.0))
            entries = [(partner, 0.0, None) for partner in partners]
            Partner._debt_evaluate(self.company, entries, TODAY, commercial=True)
            with self.assertQueryCount(1):
                evaluations = Partner._debt_evaluate(self.company, entries, TODAY, commercial=True)
            self.assertEqual([ev["position"]["overdue_amount"] for ev in evaluations], [100.0] * len(partners))
            self.assertEqual([ev["reasons"] for ev in evaluations], [[]] * len(partners))
        order = self._order(few[0], 50.0)
        order._debt_check_block()
        with self.assertQueryCount(1):
            order._debt_check_block()
        for model, method in (("debt.partner.status", "_debt_daily_refresh"),
                              ("debt.partner.score", "_debt_daily_score")):
            few_count = self._queries(lambda: self._step(model, method, few, TODAY))  # noqa: B023
            self._step(model, method, many, TODAY)  # the first run writes the batch's rows
            with self.assertQueryCount(few_count):
                self._step(model, method, many, TODAY)

    def test_position_plans_agree(self):
        """A customer's position is the same through the lateral plan (a few customers),
        the batch plan (the daily run) and the collection's sums of its lines."""
        a, b = self._partner("Plans A"), self._partner("Plans B")
        driver = self.env["res.partner"].create({"name": "B's driver", "parent_id": b.id})
        self._invoice(a, 1000.0, TODAY - timedelta(days=40))
        self._pay(self._invoice(a, 500.0, TODAY + timedelta(days=5)), 200.0, on=TODAY)
        self._invoice(driver, 300.0, TODAY - timedelta(days=3))
        self._invoice(b, 700.0, TODAY - timedelta(days=10)).sudo().debt_disputed = True
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": b.id, "invoice_date": TODAY - timedelta(days=1),
            "invoice_line_ids": [Command.create({
                "product_id": self.service.id, "quantity": 1, "price_unit": 50.0,
                "tax_ids": [Command.clear()],
            })],
        })
        refund.action_post()
        Position = self.env["debt.position"]
        ids = (a | b).ids

        def positions(batch):
            Position._flush_position()
            self.env.cr.execute(Position._position_query(ids, self.company, TODAY, batch=batch))
            return {row[0]: Position._position_from_row(row[1:], self.company, TODAY)
                    for row in self.env.cr.fetchall()}

        lateral = positions(False)
        self.assertEqual(positions(True), lateral)
        self.assertEqual(Position._get_positions(a | driver, self.company, TODAY), lateral)
        self.assertEqual((lateral[a.id]["receivable"], lateral[a.id]["overdue_amount"]), (1300.0, 1000.0))
        self.assertEqual((lateral[b.id]["receivable"], lateral[b.id]["overdue_amount"]), (950.0, 1000.0))
        self.assertEqual(lateral[b.id]["disputed_amount"], 700.0)
        # the aging rows (the view's query at a date) and the line reader agree with it
        aging = self.env["debt.aging.report"]._debt_aging_rows(ids, self.company, TODAY)
        lines = Position._debt_due_lines(ids, self.company, TODAY, with_credits=True)
        for pid in ids:
            self.assertEqual(
                (aging[pid]["total"], aging[pid]["overdue"], aging[pid]["in_plan"], aging[pid]["disputed"]),
                (lateral[pid]["receivable"], lateral[pid]["overdue_amount"], lateral[pid]["plan_amount"],
                 lateral[pid]["disputed_amount"]),
            )
            overdue = [line for line in lines[pid] if is_overdue(line, TODAY)]
            self.assertEqual(round(sum(line["residual"] for line in overdue), 2), lateral[pid]["overdue_amount"])
            self.assertEqual(len(overdue), lateral[pid]["overdue_count"])
            self.assertEqual(round(sum(line["residual"] for line in lines[pid]), 2), lateral[pid]["receivable"])
        self.assertEqual(aging[b.id]["credits"], -50.0)
        # the collection step's positions with their lines: the same figures and the reader's lines
        with_lines, their_lines = Position._get_positions(a | b, self.company, TODAY, with_lines=True)
        self.assertEqual(with_lines, lateral)
        reader = Position._debt_due_lines(ids, self.company, TODAY)
        for pid in ids:
            self.assertEqual(their_lines[pid], reader[pid])
            self.assertTrue(their_lines[pid])

    def test_line_flags_follow_invoice(self):
        """The position reads the invoice's plan and dispute states from its due lines:
        they follow every change of the invoice, and an installation on a database
        with journal items copies them by SQL."""
        partner = self._partner("Flags")
        disputed = self._invoice(partner, 700.0, TODAY - timedelta(days=10))
        self._invoice(partner, 300.0, TODAY - timedelta(days=5))
        Position = self.env["debt.position"]

        def figures():
            pos = Position._get_positions(partner, self.company, TODAY)[partner.id]
            return pos["disputed_amount"], pos["plan_amount"], pos["overdue_amount"]

        self.assertEqual(figures(), (0.0, 0.0, 1000.0))
        disputed.sudo().debt_disputed = True
        self.assertEqual(figures(), (700.0, 0.0, 1000.0))
        disputed.sudo().debt_in_plan = True
        # In a plan on time: no longer overdue, counted as covered by the plan.
        self.assertEqual(figures(), (700.0, 700.0, 300.0))
        disputed.sudo().debt_in_plan = False
        self.assertEqual(figures(), (700.0, 0.0, 1000.0))
        # Installed on existing journal items: the columns are created and filled by SQL.
        self.env.flush_all()
        self.env.cr.execute(
            "ALTER TABLE account_move_line DROP COLUMN debt_in_plan CASCADE, DROP COLUMN debt_disputed CASCADE"
        )
        self.env["account.move.line"]._debt_init_line_flags()
        self.env["debt.aging.report"].init()  # the view reads the copied flags
        self.env.invalidate_all()
        self.assertEqual(disputed.line_ids.filtered("date_maturity").mapped("debt_disputed"), [True])
        self.assertEqual(figures(), (700.0, 0.0, 1000.0))

    def test_reason_formatter_matches_odoo(self):
        """The batch formatter of the reason texts gives formatLang's and format_date's output."""
        currency = self.company.currency_id
        values = [0.0, 0.004, 0.005, 1.0, -2.5, 999.995, 1234.5, 1234567.891, -9876543.21]
        for lang in ("en_US", "ru_RU"):
            env = self.env(context=dict(self.env.context, lang=lang))
            fmt = env["res.partner"]._debt_reason_formatter(self.company)
            for value in values:
                self.assertEqual(fmt.money(value), formatLang(env, value, currency_obj=currency))
                for digits in (0, 2):
                    self.assertEqual(fmt.number(value, digits), formatLang(env, value, digits=digits))
            for day in (TODAY, date(2024, 12, 31)):
                self.assertEqual(fmt.date(day), format_date(env, day))


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestBlockMultiCompany(BlockCommon):
    def test_blocked_in_a_not_in_b(self):
        company_b = self.setup_other_company(name="Shop B")["company"]
        company_b.write({"debt_max_overdue_days": 30, "account_use_credit_limit": True})
        partner = self._partner("Two shops")
        self._invoice(partner, 900.0, TODAY - timedelta(days=60))
        self.assertTrue(partner.with_company(self.company).debt_blocked)
        self.assertFalse(partner.with_company(company_b).debt_blocked)
        order_a = self._order(partner, 100.0)
        with self.assertRaises(UserError):
            order_a.action_confirm()
        order_b = self._order(partner, 100.0, company=company_b)
        order_b.action_confirm()
        self.assertEqual(order_b.state, "sale")
        # Each company's statements read its own receivable accounts only.
        Position = self.env["debt.position"]
        receivable_a = self.company_data["default_account_receivable"]
        receivable_b = self.env["account.account"].search([
            ("company_ids", "in", company_b.id), ("account_type", "=", "asset_receivable"),
        ])
        self.assertIn(receivable_a.id, Position._receivable_account_ids(self.company))
        self.assertNotIn(receivable_a.id, Position._receivable_account_ids(company_b))
        self.assertEqual(set(Position._receivable_account_ids(company_b)), set(receivable_b.ids))
        # A branch uses its parent's accounts; a new receivable account clears the cache.
        branch = self.env["res.company"].create({"name": "Shop A, branch", "parent_id": self.company.id})
        self.assertIn(receivable_a.id, Position._receivable_account_ids(branch))
        extra = receivable_a.copy({"code": "121099", "company_ids": [Command.set(company_b.ids)]})
        self.assertIn(extra.id, Position._receivable_account_ids(company_b))
        self.assertNotIn(extra.id, Position._receivable_account_ids(self.company))
        # Policies are per company too.
        partner.with_company(company_b).sudo().debt_block_mode = "always"
        self.assertEqual(partner.with_company(self.company).debt_block_mode, "auto")
        self.assertTrue(partner.with_company(company_b).debt_blocked)
