"""Penalties and art. 395 interest on invoices: daily accrual, invoicing, waivers,
unknown key rates and who may do what."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount

from .common import DebtTestCommon

D = date.fromisoformat


@tagged("post_install", "-at_install")
class TestPenalty(DebtTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accountant of the common test set-up also manages debt here.
        cls.env.user.groups_id += cls.env.ref("auto_service_debt.group_debt_manager")
        cls.company = cls.company_data["company"]
        cls.service = cls.product_a  # the product of the invoices' lines
        cls.company.debt_key_rate_known_until = D("2026-10-25")
        cls.key_rate = cls.env.ref("auto_service_debt.debt_penalty_policy_key_rate")
        cls.company.debt_penalty_policy_id = cls.key_rate
        cls.contract = cls.env["debt.penalty.policy"].create({
            "name": "0.1 % per day, cap 10 %, 5 free days",
            "kind": "contract", "daily_percent": 0.1, "cap_percent": 10, "grace_days": 5,
        })
        cls.customer = cls.env["res.partner"].create({"name": "ООО Ремонт-Клиент", "is_company": True})
        cls.signed = cls.env["res.partner"].create({
            "name": "ООО Подписант", "is_company": True,
            "debt_penalty_clause_signed": True, "debt_penalty_contract_ref": "No. 7 of 2026-01-10",
        })
        cls.signed.debt_penalty_policy_id = cls.contract
        group = cls.env.ref
        base_groups = [group("base.group_user").id, group("account.group_account_invoice").id]
        cls.collector = cls.env["res.users"].create({
            "name": "Collector Penalty", "login": "collector_penalty",
            "company_id": cls.company.id, "company_ids": [Command.set([cls.company.id])],
            "groups_id": [Command.set(base_groups + [group("auto_service_debt.group_debt_collector").id])],
        })
        cls.manager = cls.env["res.users"].create({
            "name": "Manager Penalty", "login": "manager_penalty",
            "company_id": cls.company.id, "company_ids": [Command.set([cls.company.id])],
            "groups_id": [Command.set(base_groups + [group("auto_service_debt.group_debt_manager").id])],
        })

    # ------------------------------------------------------------------ helpers
    def _run(self, day):
        """The penalty step of the daily run on ``day``, on that day."""
        today = D(day)  # a real date, not freezegun's FakeDate (the fingerprint differs)
        with freeze_time(day):
            return super()._run(today, steps=["penalties"])

    def _penalties(self, invoice):
        return self.env["debt.penalty"].search([("move_id", "=", invoice.id)], order="date_maturity")

    def _rows(self, penalty):
        return [
            (p["date_from"], p["date_to"], p["days"], p["base"], p["rate"], p["amount"])
            for p in penalty.breakdown["periods"]
        ]

    # ------------------------------------------------------------------ tests
    def test_daily_run_partly_paid_twice_and_idempotent(self):
        """Worked example D through the whole stack: invoice, two payments, daily run."""
        invoice = self._invoice(self.customer, 250000.0, "2025-03-10", invoice_date="2025-03-01")
        self._pay(invoice, 100000.0, "2025-05-20")
        self._pay(invoice, 50000.0, "2025-08-01")
        self._run("2025-10-31")
        penalty = self._penalties(invoice)
        self.assertEqual(len(penalty), 1)
        self.assertEqual(self._rows(penalty), [
            ("2025-03-11", "2025-05-20", 71, 250000.0, 21.0, 10212.33),
            ("2025-05-21", "2025-06-08", 19, 150000.0, 21.0, 1639.73),
            ("2025-06-09", "2025-07-27", 49, 150000.0, 20.0, 4027.40),
            ("2025-07-28", "2025-08-01", 5, 150000.0, 18.0, 369.86),
            ("2025-08-02", "2025-09-14", 44, 100000.0, 18.0, 2169.86),
            ("2025-09-15", "2025-10-26", 42, 100000.0, 17.0, 1956.16),
            ("2025-10-27", "2025-10-31", 5, 100000.0, 16.5, 226.03),
        ])
        self.assertEqual(penalty.amount_open, 20601.37)
        self.assertEqual((penalty.kind, penalty.computed_to, penalty.state), ("key_rate", D("2025-10-31"), "running"))
        self.assertFalse(penalty.provisional)
        self.assertIn(format_amount(self.env, 10212.33, invoice.company_currency_id),
                      invoice.debt_penalty_breakdown_html)
        self.assertIn("<td>21.00</td>", invoice.debt_penalty_breakdown_html)
        self.assertEqual(invoice.debt_penalty_open, 20601.37)
        # A second run on the same date, even forced past the progress log, changes nothing.
        before = penalty.read(list(penalty._fields))[0]
        self.env["debt.daily.run.state"].sudo().search([("company_id", "=", self.company.id)]).unlink()
        self._run("2025-10-31")
        self.env["debt.penalty"]._debt_daily_accrue(self.customer, self.company, D("2025-10-31"))
        self.assertEqual(self._penalties(invoice), penalty)
        self.assertEqual(penalty.read(list(penalty._fields))[0], before)
        # The live breakdown for the claim letter agrees with the stored one.
        live = self.env["account.move.line"]._debt_penalty_breakdown(penalty.move_line_id, D("2025-10-31"))
        self.assertEqual(live[penalty.move_line_id.id]["total"], 20601.37)
        self.assertEqual(live[penalty.move_line_id.id]["periods"][0]["date_from"], D("2025-03-11"))
        self.assertEqual(live[penalty.move_line_id.id]["periods"][-1]["days_in_year"], 365)
        totals = self.env["account.move.line"]._debt_penalty_partner_totals(self.customer, self.company, D("2025-10-31"))
        self.assertEqual(totals, {self.customer.id: 20601.37})

    def test_unchanged_inputs_are_not_recomputed(self):
        """The stored fingerprint skips lines whose inputs did not change, and every
        input that can change a result makes the line computed again."""
        invoice = self._invoice(self.customer, 100000.0, "2026-01-10", invoice_date="2026-01-01")
        self.company.debt_key_rate_known_until = D("2026-03-31")
        self._run("2026-03-01")
        penalty = self._penalties(invoice)
        self.assertTrue(penalty.input_digest)
        Penalty = self.env["debt.penalty"]

        def recomputed(day):
            lines, payments, settlements = Penalty._debt_gather(
                self.company, line_ids=penalty.move_line_id.ids, today=D(day))
            out = Penalty._debt_compute(
                self.company, D(day), lines, payments, settlements, skip_unchanged=True)
            return not out[penalty.move_line_id.id].get("unchanged")

        self.assertFalse(recomputed("2026-03-01"))
        self.assertTrue(recomputed("2026-03-02"))  # one more day of interest
        # Past the known rates nothing moves: the line is computed once, then skipped.
        self.company.debt_key_rate_known_until = D("2026-02-28")
        self.assertTrue(recomputed("2026-03-02"))
        self._run("2026-03-02")
        self.assertTrue(penalty.provisional)
        self.assertEqual(penalty.computed_to, D("2026-02-28"))
        self.assertFalse(recomputed("2026-03-03"))
        frozen = penalty.amount_open
        self._run("2026-03-03")
        self.assertEqual(penalty.amount_open, frozen)
        # A payment changes the inputs.
        self._pay(invoice, 40000.0, "2026-02-01")
        self.assertTrue(recomputed("2026-03-04"))
        self._run("2026-03-04")
        self.assertLess(penalty.amount_open, frozen)
        self.assertFalse(recomputed("2026-03-05"))
        # So does an edited key rate, and a change of the policy's terms.
        rate = self.env["debt.key.rate"].search([("date_from", "<=", "2026-02-01")], limit=1)
        rate.rate += 1.0
        self.company.debt_key_rate_known_until = D("2026-02-28")  # entering it confirmed the table
        self.assertTrue(recomputed("2026-03-05"))
        self._run("2026-03-05")
        self.assertFalse(recomputed("2026-03-06"))
        self.key_rate.cap_percent = 1.0
        self.assertTrue(recomputed("2026-03-06"))
        self._run("2026-03-06")
        self.assertEqual(penalty.amount_open, 1000.0)  # capped at 1 % of the principal
        self.assertFalse(recomputed("2026-03-07"))

    def test_installments_accrue_per_due_line(self):
        term = self.env["account.payment.term"].create({
            "name": "50/50",
            "line_ids": [
                Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
            ],
        })
        invoice = self._invoice(self.signed, 20000.0, invoice_date="2026-01-01", term=term)
        self._run("2026-02-10")
        penalties = self._penalties(invoice)
        self.assertEqual(penalties.mapped("date_maturity"), [D("2026-01-01"), D("2026-01-31")])
        # 10 000 at 0.1 %/day: 40 days late minus 5 free = 35 days; then 10 - 5 = 5 days.
        self.assertEqual(penalties.mapped("amount_open"), [350.0, 50.0])
        self.assertEqual(self._rows(penalties[1]), [("2026-02-06", "2026-02-10", 5, 10000.0, 0.1, 50.0)])

    def test_grace_days_and_cap(self):
        invoice = self._invoice(self.signed, 10000.0, "2026-03-01", invoice_date="2026-03-01")
        self._run("2026-03-06")
        self.assertFalse(self._penalties(invoice), "5 free days: nothing yet")
        self._run("2026-03-07")
        self.assertEqual(self._penalties(invoice).amount_open, 10.0, "first counted day")
        self._run("2026-06-30")
        penalty = self._penalties(invoice)
        self.assertEqual(penalty.amount_open, 1000.0, "10 % cap of 10 000")
        self.assertIn("capped", penalty.breakdown_html)

    def test_contract_needs_signed_clause(self):
        with self.assertRaisesRegex(ValidationError, "ООО Ремонт-Клиент.*Penalty Clause Signed"):
            self.customer.debt_penalty_policy_id = self.contract
        with self.assertRaisesRegex(ValidationError, "contract"):
            self.env["res.partner"].create({
                "name": "No ref", "debt_penalty_clause_signed": True,
                "debt_penalty_policy_id": self.contract.id,
            })
        with self.assertRaises(ValidationError):
            self.company.debt_penalty_policy_id = self.contract
        with self.assertRaisesRegex(ValidationError, "ООО Подписант"):
            self.signed.debt_penalty_clause_signed = False
        # A key-rate policy assigned to an unsigned customer cannot become contractual.
        policy = self.env["debt.penalty.policy"].create({"name": "Mine", "kind": "key_rate"})
        self.customer.debt_penalty_policy_id = policy
        with self.assertRaisesRegex(ValidationError, "ООО Ремонт-Клиент"):
            policy.write({"kind": "contract", "daily_percent": 0.1})

    def test_invoice_then_ten_more_days(self):
        invoice = self._invoice(self.signed, 10000.0, "2026-01-10", invoice_date="2026-01-01")
        self._run("2026-01-30")  # 20 days late, 15 counted: 150.00
        penalty = self._penalties(invoice)
        self.assertEqual(penalty.amount_open, 150.0)
        with freeze_time("2026-01-30"):
            action = penalty.with_user(self.manager).action_open_invoice_wizard()
            wizard = self.env[action["res_model"]].with_user(self.manager).browse(action["res_id"])
            result = wizard.action_confirm()
        penalty_invoice = self.env["account.move"].browse(result["res_id"])
        self.assertEqual(penalty_invoice.state, "posted")
        self.assertTrue(penalty_invoice.debt_penalty_invoice)
        self.assertEqual(penalty_invoice.amount_total, 150.0)
        self.assertFalse(penalty_invoice.invoice_line_ids.tax_ids, "no VAT on penalties")
        self.assertEqual(penalty_invoice.invoice_line_ids.product_id,
                         self.env.ref("auto_service_debt.product_debt_penalty"))
        self.assertEqual((penalty.settled_to, penalty.amount_open, penalty.amount_invoiced),
                         (D("2026-01-30"), 0.0, 150.0))
        self._run("2026-02-09")
        self.assertEqual(self._rows(penalty), [("2026-01-31", "2026-02-09", 10, 10000.0, 0.1, 100.0)])
        self.assertEqual(penalty.amount_open, 100.0)
        # The penalty invoice itself never bears a penalty.
        self._run("2026-06-30")
        self.assertFalse(self._penalties(penalty_invoice))
        # The cap counts what was invoiced: 150 + 850 = 1000 = 10 % (151 days would be 1510).
        self.assertEqual(penalty.amount_open, 850.0)
        # Cancelling the penalty invoice gives its days back.
        penalty_invoice.button_draft()
        penalty_invoice.button_cancel()
        self.env["debt.daily.run.state"].sudo().search([]).unlink()
        self._run("2026-06-30")
        self.assertEqual((penalty.settled_to, penalty.amount_open), (False, 1000.0))

    def test_past_known_date_is_provisional_and_asks_managers(self):
        invoice = self._invoice(self.customer, 100000.0, "2026-10-20", invoice_date="2026-09-20")
        self._run("2026-11-10")
        penalty = self._penalties(invoice)
        self.assertTrue(penalty.provisional)
        self.assertEqual(penalty.computed_to, D("2026-10-25"))
        self.assertEqual(self._rows(penalty), [("2026-10-21", "2026-10-25", 5, 100000.0, 14.0, 191.78)])
        rate_row = self.env["debt.key.rate"].search([], order="date_from desc", limit=1)
        activities = rate_row.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(len(activities), 1)
        self.assertIn("2026", activities.summary)
        self.assertFalse(rate_row.activity_ids.filtered(lambda a: a.user_id == self.collector))
        count = len(rate_row.activity_ids)
        self._run("2026-11-11")
        self.assertEqual(len(rate_row.activity_ids), count, "one reminder per date, no spam")
        # A direct computation refuses to assume a rate and names the missing days.
        with self.assertRaisesRegex(UserError, "2026-10-26 to 2026-11-11"):
            self.env["account.move.line"]._debt_penalty_breakdown(penalty.move_line_id, D("2026-11-11"))
        # The manager adds the new rate: the table is then known up to today.
        with freeze_time("2026-11-12"):
            self.env["debt.key.rate"].with_user(self.manager).create({"date_from": "2026-10-26", "rate": 13.5})
        self.assertEqual(self.company.debt_key_rate_known_until, D("2026-11-12"))
        self._run("2026-11-12")
        self.assertFalse(penalty.provisional)
        self.assertEqual(self._rows(penalty), [
            ("2026-10-21", "2026-10-25", 5, 100000.0, 14.0, 191.78),
            ("2026-10-26", "2026-11-12", 18, 100000.0, 13.5, 665.75),
        ])
        live = self.env["account.move.line"]._debt_penalty_breakdown(penalty.move_line_id, D("2026-11-12"))
        self.assertEqual(live[penalty.move_line_id.id]["total"], 857.53)
        # Moving the date also unlocks the computation.
        self.company.debt_key_rate_known_until = D("2026-11-30")
        live = self.env["account.move.line"]._debt_penalty_breakdown(penalty.move_line_id, D("2026-11-30"))
        self.assertFalse(live[penalty.move_line_id.id]["provisional"])
        self.assertEqual(live[penalty.move_line_id.id]["periods"][-1]["days"], 36)

    def test_collector_prepares_manager_confirms_and_waives(self):
        invoice = self._invoice(self.signed, 10000.0, "2026-01-10", invoice_date="2026-01-01")
        self._run("2026-01-30")
        penalty = self._penalties(invoice)
        with freeze_time("2026-01-30"):
            action = penalty.with_user(self.collector).action_open_invoice_wizard()
            wizard = self.env[action["res_model"]].with_user(self.collector).browse(action["res_id"])
            self.assertFalse(wizard.is_manager)
            wizard.action_prepare()
            self.assertTrue(penalty.invoice_prepared)
            self.assertEqual(penalty.invoice_prepared_uid, self.collector)
            with self.assertRaises(AccessError):
                wizard.action_confirm()
            with self.assertRaises(AccessError):
                penalty.with_user(self.collector).action_open_waive_wizard()
            with self.assertRaises(AccessError):
                self.env["debt.penalty.waive.wizard"].with_user(self.collector).create({
                    "penalty_ids": [Command.set(penalty.ids)], "reason": "x",
                })
            with self.assertRaises(AccessError):
                self.env["debt.penalty.settlement"].with_user(self.collector).create({
                    "penalty_id": penalty.id, "kind": "waiver", "date_to": "2026-01-30", "amount": 1,
                })
            with self.assertRaises(AccessError):
                self.signed.with_user(self.collector).debt_penalty_policy_id = self.key_rate
            self.assertFalse(self.env["account.move"].search([("debt_penalty_invoice", "=", True),
                                                              ("partner_id", "=", self.signed.id)]))
            # Manager: partial waiver, then a full one.
            action = penalty.with_user(self.manager).action_open_waive_wizard()
            waive = self.env[action["res_model"]].with_user(self.manager).browse(action["res_id"])
            waive.write({"mode": "partial", "amount": 30.0, "reason": "Goodwill after a complaint"})
            waive.action_confirm()
        self.assertEqual((penalty.amount_open, penalty.amount_waived), (120.0, 30.0))
        self.assertIn("Goodwill after a complaint", invoice.message_ids[0].body)
        self.assertIn("Goodwill after a complaint", self.signed.message_ids[0].body)
        self._run("2026-01-31")
        self.assertEqual(penalty.amount_open, 130.0, "accrual goes on after a partial waiver")
        with freeze_time("2026-01-31"):
            with self.assertRaises(UserError):
                self.env["debt.penalty.waive.wizard"].with_user(self.manager).create({
                    "penalty_ids": [Command.set(penalty.ids)], "mode": "partial", "amount": 900.0,
                    "reason": "too much",
                }).action_confirm()
            action = penalty.with_user(self.manager).action_open_waive_wizard()
            waive = self.env[action["res_model"]].with_user(self.manager).browse(action["res_id"])
            waive.write({"mode": "full", "reason": "Settled in court"})
            waive.action_confirm()
        self.assertEqual((penalty.amount_open, penalty.amount_waived, penalty.settled_to),
                         (0.0, 160.0, D("2026-01-31")))
        self._run("2026-02-02")
        self.assertEqual(self._rows(penalty), [("2026-02-01", "2026-02-02", 2, 10000.0, 0.1, 20.0)])
        self.assertEqual(penalty.amount_open, 20.0)

    def test_paid_late_keeps_penalty_until_settled(self):
        invoice = self._invoice(self.customer, 100000.0, "2025-03-10", invoice_date="2025-03-01")
        self._run("2025-04-01")
        self._pay(invoice, 100000.0, "2025-05-20")
        self._run("2025-10-31")
        penalty = self._penalties(invoice)
        self.assertTrue(penalty.paid)
        self.assertEqual(penalty.state, "stopped")
        self.assertEqual(self._rows(penalty), [("2025-03-11", "2025-05-20", 71, 100000.0, 21.0, 4084.93)])
        self.assertEqual(penalty.computed_to, D("2025-05-20"))
        with freeze_time("2025-10-31"):
            action = penalty.with_user(self.manager).action_open_waive_wizard()
            waive = self.env[action["res_model"]].with_user(self.manager).browse(action["res_id"])
            waive.write({"mode": "full", "reason": "Loyal customer"})
            waive.action_confirm()
        self.assertEqual(penalty.state, "done")
        self.assertEqual(penalty.amount_waived, 4084.93)

    def test_invoice_of_a_contact_is_the_customers(self):
        """An invoice addressed to a contact of the customer accrues for the customer, and
        once paid late it is recomputed to its payment date like the customer's own
        (the step reads a batch's items by customer, contacts included)."""
        contact = self.env["res.partner"].create({"name": "Иван Петров", "parent_id": self.customer.id})
        invoice = self._invoice(contact, 100000.0, "2025-03-10", invoice_date="2025-03-01")
        self._run("2025-04-01")
        penalty = self._penalties(invoice)
        self.assertEqual((penalty.partner_id, penalty.state), (self.customer, "running"))
        self._pay(invoice, 100000.0, "2025-05-20")
        self._run("2025-10-31")
        penalty = self._penalties(invoice)
        self.assertEqual(penalty.state, "stopped")
        self.assertEqual(self._rows(penalty), [("2025-03-11", "2025-05-20", 71, 100000.0, 21.0, 4084.93)])

    def test_paid_item_moved_to_another_customer(self):
        """A paid item whose contact has moved to another customer since its penalty was
        computed is recomputed for the customer it belongs to now."""
        contact = self.env["res.partner"].create({"name": "Пётр Сидоров", "parent_id": self.customer.id})
        invoice = self._invoice(contact, 100000.0, "2025-03-10", invoice_date="2025-03-01")
        self._run("2025-04-01")
        self._pay(invoice, 100000.0, "2025-05-20")
        other = self.env["res.partner"].create({"name": "ООО Новый Плательщик", "is_company": True})
        contact.parent_id = other
        self._run("2025-10-31")
        penalty = self._penalties(invoice)
        self.assertEqual((penalty.partner_id, penalty.state), (other, "stopped"))
        self.assertEqual(self._rows(penalty), [("2025-03-11", "2025-05-20", 71, 100000.0, 21.0, 4084.93)])

    def test_no_policy_no_penalty(self):
        none = self.env.ref("auto_service_debt.debt_penalty_policy_none")
        self.customer.debt_penalty_policy_id = none
        invoice = self._invoice(self.customer, 1000.0, "2026-01-10", invoice_date="2026-01-01")
        self._run("2026-03-01")
        self.assertFalse(self._penalties(invoice))
        self.assertEqual(self.env["account.move.line"]._debt_penalty_breakdown(
            invoice.line_ids.filtered(lambda aml: aml.account_id.account_type == "asset_receivable"),
            D("2026-03-01")), {})

    def test_key_rate_table_shipped(self):
        rates = self.env["debt.key.rate"].search([])
        self.assertGreaterEqual(len(rates), 66)
        self.assertEqual(rates.filtered(lambda r: r.date_from == D("2016-09-19")).rate, 10.0)
        self.assertEqual(self.env.ref("auto_service_debt.product_debt_penalty").taxes_id,
                         self.env["account.tax"])
        with self.assertRaises(AccessError):
            self.env["debt.key.rate"].with_user(self.collector).create({"date_from": "2030-01-01", "rate": 1})

    def test_accrual_queries_do_not_grow_with_invoices(self):
        """The daily step is set-based: the number of queries of a batch does not depend on
        how many overdue invoices (or payments) it holds."""
        few = self.env["res.partner"].create({"name": "Few invoices"})
        many = self.env["res.partner"].create({"name": "Many invoices"})
        for _i in range(2):
            self._pay(self._invoice(few, 1000.0, "2026-01-10", invoice_date="2026-01-01"), 100.0, "2026-01-20")
        for _i in range(8):
            self._pay(self._invoice(many, 1000.0, "2026-01-10", invoice_date="2026-01-01"), 100.0, "2026-01-20")
        warm = self.env["res.partner"].create({"name": "Warm-up"})
        self._invoice(warm, 1000.0, "2026-01-10", invoice_date="2026-01-01")
        Penalty = self.env["debt.penalty"]
        Penalty._debt_daily_accrue(warm, self.company, D("2026-02-01"))  # fills the caches
        counts = []
        for partner in (few, many):
            for day in ("2026-02-01", "2026-02-02"):  # first run creates, the next one updates
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                Penalty._debt_daily_accrue(partner, self.company, D(day))
                self.env.flush_all()
                counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(len(self.env["debt.penalty"].search([("partner_id", "=", many.id)])), 8)
        # Four times the invoices, no more queries (the first batch also fills caches).
        self.assertLessEqual(counts[2], counts[0], f"creating, 2 vs 8 invoices: {counts}")
        self.assertLessEqual(counts[3], counts[1], f"updating, 2 vs 8 invoices: {counts}")
