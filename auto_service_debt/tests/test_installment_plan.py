import re
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_date, formatLang

from .common import DebtTestCommon, render_pdf_text

TODAY = date(2025, 1, 20)
JAN31 = date(2025, 1, 31)
MONTH_ENDS = [
    date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31),
    date(2025, 4, 30), date(2025, 5, 31), date(2025, 6, 30),
]


def plain(text):
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


class PlanCommon(DebtTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({
            "debt_max_overdue_days": 0,
            "debt_max_overdue_amount": 0.0,
            "debt_prepayment_percent": 0.0,
            "debt_plan_grace_days": 5,
        })
        cls.currency = cls.company.currency_id
        cls.service = cls._service_product("Engine repair")
        groups = "base.group_user,sales_team.group_sale_salesman_all_leads,account.group_account_invoice,"
        common = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.viewer = new_test_user(
            cls.env, "plan_viewer", groups=groups + "auto_service_debt.group_debt_user", **common)
        cls.collector = new_test_user(
            cls.env, "plan_collector", groups=groups + "auto_service_debt.group_debt_collector", **common)
        cls.manager = new_test_user(
            cls.env, "plan_manager", groups=groups + "auto_service_debt.group_debt_manager", **common)
        # The test user of the accounting fixtures works the plans as a debt manager.
        cls.env.user.groups_id |= cls.env.ref("auto_service_debt.group_debt_manager")
        cls.customer = cls._customer("Garage Customer LLC", lang="en_US")

    def _three_invoices(self, partner=None):
        partner = partner or self.customer
        return (
            self._invoice(partner, 40000.00, date(2024, 12, 10))
            | self._invoice(partner, 35000.00, date(2024, 12, 20))
            | self._invoice(partner, 25000.00, date(2025, 1, 5))
        )

    def _wizard(self, invoices, user=None, **vals):
        Wizard = self.env["debt.installment.plan.wizard"].with_user(user or self.collector)
        wizard = Wizard.with_context(active_model="account.move", active_ids=invoices.ids).create(
            dict({"installment_count": 6, "interval": "months", "first_due_date": JAN31}, **vals)
        )
        action = wizard.action_create_plan()
        return self.env["debt.installment.plan"].browse(action["res_id"])

    def _counts(self):
        return (
            self.env["debt.installment.plan"].search_count([]),
            self.env["debt.installment.line"].search_count([]),
        )


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestInstallmentSchedule(PlanCommon):
    def test_six_monthly_lines_from_31_january(self):
        invoices = self._three_invoices()
        plan = self._wizard(invoices)
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.partner_id, self.customer)
        self.assertEqual(plan.invoice_ids, invoices)
        self.assertEqual(plan.amount_total, 100000.00)
        lines = plan.line_ids.sorted("due_date")
        self.assertEqual(lines.mapped("due_date"), MONTH_ENDS)
        self.assertEqual(lines.mapped("amount"), [16666.67] * 5 + [16666.65])
        self.assertEqual(round(sum(lines.mapped("amount")), 2), 100000.00)
        self.assertTrue(plan.name.startswith("PLAN/2025/"), plan.name)

    def test_down_payment_and_weeks(self):
        invoices = self._three_invoices()
        plan = self._wizard(
            invoices, down_payment_amount=10000.00, down_payment_date=TODAY,
            installment_count=4, interval="weeks", first_due_date=date(2025, 1, 27),
        )
        lines = plan.line_ids.sorted("due_date")
        self.assertEqual(
            [(line.due_date, line.amount, line.is_down_payment) for line in lines],
            [(TODAY, 10000.00, True),
             (date(2025, 1, 27), 22500.00, False), (date(2025, 2, 3), 22500.00, False),
             (date(2025, 2, 10), 22500.00, False), (date(2025, 2, 17), 22500.00, False)],
        )
        # The terms drive the schedule while the plan is a draft.
        plan.with_user(self.collector).write({"installment_count": 3, "interval": "months",
                                              "first_due_date": JAN31})
        lines = plan.line_ids.sorted("due_date")
        self.assertEqual(lines.mapped("amount"), [10000.00, 30000.00, 30000.00, 30000.00])
        self.assertEqual(lines.mapped("due_date"), [TODAY] + MONTH_ENDS[:3])

    def test_collector_edits_lines_in_draft(self):
        plan = self._wizard(self._three_invoices(), installment_count=2)
        first, second = plan.line_ids.sorted("due_date")
        plan.with_user(self.collector).write({"line_ids": [
            Command.update(first.id, {"amount": 60000.00}),
            Command.update(second.id, {"amount": 40000.00}),
        ]})
        self.assertEqual(plan.line_ids.sorted("due_date").mapped("amount"), [60000.00, 40000.00])
        plan.with_user(self.manager).action_confirm()
        with self.assertRaises(UserError):
            first.with_user(self.manager).amount = 50000.00
        self.assertEqual(first.amount, 60000.00)

    def test_partner_action_picks_overdue_invoices(self):
        invoices = self._three_invoices()
        not_due = self._invoice(self.customer, 500.00, date(2025, 3, 1))
        wizard = self.env["debt.installment.plan.wizard"].with_user(self.collector).with_context(
            active_model="res.partner", active_ids=self.customer.ids
        ).create({"first_due_date": JAN31})
        self.assertEqual(wizard.invoice_ids, invoices)
        self.assertNotIn(not_due, wizard.invoice_ids)
        self.assertEqual(wizard.amount_invoices, 100000.00)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestInstallmentAllocation(PlanCommon):
    def test_partial_payments_allocate_to_earliest_lines_then_done(self):
        invoices = self._three_invoices()
        plan = self._wizard(invoices, down_payment_amount=10000.00, down_payment_date=TODAY)
        plan.with_user(self.manager).action_confirm()
        self.assertEqual(plan.state, "active")
        self.assertTrue(all(invoices.mapped("debt_in_plan")))
        self.assertEqual(plan.confirmed_residual, 100000.00)
        down, first, second = plan.line_ids.sorted("due_date")[:3]

        self._pay(invoices[0], 12000.00, on=TODAY)
        self.assertEqual(plan.amount_paid, 12000.00)
        self.assertEqual((down.paid_amount, down.left_amount, down.state), (10000.00, 0.0, "paid"))
        self.assertEqual((first.paid_amount, first.left_amount, first.state), (2000.00, 13000.00, "partial"))
        self.assertEqual((second.paid_amount, second.state), (0.0, "open"))
        self.assertEqual(plan.amount_left, 88000.00)

        # Unreconciling a payment takes it back off the schedule.
        payment = self._pay(invoices[1], 13000.00, on=TODAY)
        self.assertEqual((first.left_amount, first.state), (0.0, "paid"))
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertEqual((first.paid_amount, first.state), (2000.00, "partial"))

        self._pay(invoices[0], 28000.00, on=TODAY)
        self._pay(invoices[1], 35000.00, on=TODAY)
        self.assertEqual(plan.state, "active")
        self._pay(invoices[2], 24999.99, on=TODAY)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.line_ids.sorted("due_date")[-1].left_amount, 0.01)
        self._pay(invoices[2], 0.01, on=TODAY)
        self.assertEqual(plan.state, "done")
        self.assertEqual(set(plan.line_ids.mapped("state")), {"paid"})
        self.assertFalse(any(invoices.mapped("debt_in_plan")))


@tagged("post_install", "-at_install")
class TestInstallmentEnforcement(PlanCommon):
    def test_on_time_plan_unblocks_then_default_blocks(self):
        with freeze_time(TODAY):
            invoices = self._three_invoices()
            with self.assertRaises(UserError):
                self._order(self.customer, 1000.00).with_user(self.collector).action_confirm()
            plan = self._wizard(invoices)
            plan.with_user(self.manager).action_confirm()
            pos = self.env["debt.position"]._get_positions(self.customer, self.company, TODAY)[
                self.customer.id]
            self.assertEqual(pos["overdue_amount"], 0.0)
            self.assertEqual(pos["plan_amount"], 100000.00)
            self.assertEqual(pos["receivable"], 100000.00)
            order = self._order(self.customer, 1000.00)
            order.with_user(self.collector).action_confirm()
            self.assertEqual(order.state, "sale")

        # 3 days late, within the 5 grace days: still on the plan, the late line is reminded.
        late_day = date(2025, 2, 3)
        with freeze_time(late_day):
            self.env["debt.daily.run"]._run(companies=self.company, today=late_day)
            self.assertEqual(plan.state, "active")
            late = self.env["debt.installment.plan"]._debt_late_lines(self.company, late_day)
            self.assertEqual(late, plan.line_ids.sorted("due_date")[0])
            self.assertIn(plan, self.env["debt.installment.plan"].search(
                [("has_late_lines", "=", True)]))
            order = self._order(self.customer, 1000.00)
            order.with_user(self.collector).action_confirm()
            self.assertEqual(order.state, "sale")

        # 6 days late: the daily run defaults the plan and the block applies.
        default_day = date(2025, 2, 6)
        with freeze_time(default_day):
            messages = plan.message_ids
            self.env["debt.daily.run"]._run(companies=self.company, today=default_day)
            self.assertEqual(plan.state, "defaulted")
            self.assertEqual(plan.defaulted_date, default_day)
            self.assertFalse(any(invoices.mapped("debt_in_plan")))
            logged = (plan.message_ids - messages).filtered(lambda m: "defaulted on" in (m.body or ""))
            self.assertEqual(len(logged), 1)
            pos = self.env["debt.position"]._get_positions(self.customer, self.company, default_day)[
                self.customer.id]
            self.assertEqual(pos["overdue_amount"], 100000.00)
            order = self._order(self.customer, 1000.00)
            with self.assertRaises(UserError) as err:
                order.with_user(self.collector).action_confirm()
            self.assertIn(plan.name, str(err.exception))
            self.assertEqual(order.state, "draft")
            self.assertTrue(self.customer.debt_blocked)
            # the collection case escalates and says why
            case = self.env["debt.collection.case"].sudo().search(
                [("partner_id", "=", self.customer.id), ("state", "=", "open")])
            self.assertEqual(len(case), 1)
            self.assertEqual(len(case.message_ids.filtered(
                lambda m: plan.name in (m.body or "") and "defaulted" in (m.body or ""))), 1)
            self.assertFalse(self.env["debt.installment.plan"]._debt_late_lines(
                self.company, default_day))

            # Running again (the same day, and directly, and the next day) changes nothing.
            count = len(plan.message_ids)
            self.env["debt.daily.run"]._run(companies=self.company, today=default_day)
            self.env["debt.installment.plan"]._debt_daily_plans(
                self.customer, self.company, default_day)
        next_day = default_day + timedelta(days=1)
        with freeze_time(next_day):
            self.env["debt.daily.run"]._run(companies=self.company, today=next_day)
            self.assertEqual(plan.state, "defaulted")
            self.assertEqual(plan.defaulted_date, default_day)
            self.assertEqual(len(plan.message_ids), count)

    def test_paid_on_time_is_not_defaulted(self):
        with freeze_time(TODAY):
            invoices = self._three_invoices()
            plan = self._wizard(invoices, installment_count=2)
            plan.with_user(self.manager).action_confirm()
            self._pay(invoices[0], 40000.00, on=TODAY)
            self._pay(invoices[1], 10000.00, on=TODAY)
        with freeze_time(date(2025, 2, 20)):
            self.env["debt.daily.run"]._run(companies=self.company, today=date(2025, 2, 20))
            self.assertEqual(plan.state, "active")
            self.assertFalse(plan.has_late_lines)
            self.assertEqual(plan.line_ids.sorted("due_date")[0].state, "paid")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestInstallmentValidation(PlanCommon):
    def _refused(self, exception, text, func, *args, **kwargs):
        before = self._counts()
        flags = self.env["account.move"].search_count([("debt_in_plan", "=", True)])
        with self.assertRaises(exception) as err:
            func(*args, **kwargs)
        self.assertIn(text, plain(str(err.exception)))
        self.assertEqual(self._counts(), before, "nothing was written")
        self.assertEqual(self.env["account.move"].search_count([("debt_in_plan", "=", True)]), flags)
        return str(err.exception)

    def _plan_vals(self, invoices, **vals):
        return dict({
            "partner_id": self.customer.id, "invoice_ids": [Command.set(invoices.ids)],
            "installment_count": 3, "interval": "months", "first_due_date": JAN31,
        }, **vals)

    def test_invalid_invoices(self):
        invoices = self._three_invoices()
        Plan = self.env["debt.installment.plan"].with_user(self.collector)
        first = self._wizard(invoices[0])
        # already in a live plan, by the wizard and by the model
        msg = self._refused(ValidationError, "already covered by installment plan",
                            self._wizard, invoices[:2])
        self.assertIn(invoices[0].name, msg)
        self.assertIn(first.name, msg)
        self._refused(ValidationError, "already covered", Plan.create, self._plan_vals(invoices))
        first.with_user(self.collector).action_cancel()
        self.assertEqual(first.state, "cancelled")
        # paid
        paid = self._invoice(self.customer, 500.00, date(2024, 12, 1))
        self._pay(paid, 500.00, on=TODAY)
        msg = self._refused(ValidationError, "is already paid", self._wizard, paid | invoices[2])
        self.assertIn(paid.name, msg)
        # draft
        draft = self._invoice(self.customer, 700.00, date(2024, 12, 1), post=False)
        self._refused(ValidationError, "not posted: post it or remove it",
                      Plan.create, self._plan_vals(draft | invoices[2]))
        # mixed currencies
        eur = self.setup_other_currency("EUR")
        foreign = self._invoice(self.customer, 900.00, date(2024, 12, 1), currency=eur)
        msg = self._refused(ValidationError, "one plan covers invoices of one currency",
                            Plan.create, self._plan_vals(foreign | invoices[2]))
        self.assertIn(foreign.name, msg)
        # another customer's invoice
        other = self.env["res.partner"].create({"name": "Someone Else", "is_company": True})
        alien = self._invoice(other, 300.00, date(2024, 12, 1))
        self._refused(ValidationError, "belongs to Someone Else",
                      Plan.create, self._plan_vals(alien | invoices[2]))
        # the cancelled plan freed the invoice
        plan = Plan.create(self._plan_vals(invoices))
        self.assertEqual(plan.amount_total, 100000.00)

    def test_invalid_terms(self):
        invoices = self._three_invoices()
        Plan = self.env["debt.installment.plan"].with_user(self.collector)
        cases = [
            ({"installment_count": 0}, "must be at least 1"),
            ({"installment_count": -2}, "must be at least 1"),
            ({"down_payment_amount": -5.0}, "cannot be negative"),
            ({"down_payment_amount": 100000.00}, "is not less than the total"),
            ({"penalty_amount": -1.0}, "cannot be negative"),
            ({"first_due_date": TODAY - timedelta(days=1)}, "is in the past"),
            ({"down_payment_amount": 10.0, "down_payment_date": date(2025, 1, 1)}, "is in the past"),
        ]
        for vals, text in cases:
            with self.subTest(vals=vals):
                self._refused(ValidationError, text, Plan.create, self._plan_vals(invoices, **vals))
                self._refused(ValidationError, text, self._wizard, invoices, **vals)
        self._refused(ValidationError, "must be positive", Plan.create,
                      self._plan_vals(self.env["account.move"]))

    def test_invalid_lines(self):
        invoices = self._three_invoices()
        Plan = self.env["debt.installment.plan"].with_user(self.collector)
        lines = lambda rows: [Command.create({"sequence": i, "due_date": d, "amount": a})  # noqa: E731
                              for i, (d, a) in enumerate(rows)]
        d1, d2, d3 = MONTH_ENDS[:3]
        msg = self._refused(ValidationError, "difference", Plan.create, self._plan_vals(
            invoices, line_ids=lines([(d1, 50000.00), (d2, 49999.99)])))
        self.assertIn(plain(formatLang(self.env, 0.01, currency_obj=self.currency)), plain(msg))
        self._refused(ValidationError, "put the lines in date order", Plan.create, self._plan_vals(
            invoices, line_ids=lines([(d2, 50000.00), (d1, 50000.00)])))
        self._refused(ValidationError, "must be positive", Plan.create, self._plan_vals(
            invoices, line_ids=lines([(d1, 100000.00), (d2, 0.0)])))
        self._refused(ValidationError, "must be positive", Plan.create, self._plan_vals(
            invoices, line_ids=lines([(d1, 100001.00), (d2, -1.0)])))
        # Editing a valid draft out of order or off the total is refused and leaves it intact.
        plan = Plan.create(self._plan_vals(invoices, line_ids=lines(
            [(d1, 30000.00), (d2, 30000.00), (d3, 40000.00)])))
        first, second, third = plan.line_ids.sorted("sequence")
        self._refused(ValidationError, "date order", plan.write,
                      {"line_ids": [Command.update(first.id, {"due_date": d3})]})
        self._refused(ValidationError, "difference", plan.write,
                      {"line_ids": [Command.update(third.id, {"amount": 39000.00})]})
        self.assertEqual(plan.line_ids.sorted("sequence").mapped("amount"), [30000.00, 30000.00, 40000.00])
        self.assertEqual(first.due_date, d1)

    def test_payment_before_confirmation_requires_recompute(self):
        invoices = self._three_invoices()
        plan = self._wizard(invoices)
        self._pay(invoices[0], 1000.00, on=TODAY)
        with self.assertRaises(UserError) as err:
            plan.with_user(self.manager).action_confirm()
        self.assertIn("recompute the schedule", str(err.exception))
        self.assertEqual(plan.state, "draft")
        plan.with_user(self.collector).action_generate_lines()
        self.assertEqual(plan.amount_total, 99000.00)
        plan.with_user(self.manager).action_confirm()
        self.assertEqual(plan.state, "active")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestInstallmentRights(PlanCommon):
    def test_collector_drafts_manager_confirms(self):
        invoices = self._three_invoices()
        # The fixtures switch tracking off; the state changes must show on the chatter.
        plan = self._wizard(invoices, user=self.collector).with_context(
            tracking_disable=False, mail_notrack=False)
        as_collector = plan.with_user(self.collector)
        with self.assertRaises(AccessError):
            as_collector.action_confirm()
        with self.assertRaises(AccessError):
            as_collector.write({"state": "active"})
        self.assertEqual(plan.state, "draft")
        self.assertFalse(any(invoices.mapped("debt_in_plan")))
        with self.assertRaises(AccessError):
            self.env["debt.installment.plan"].with_user(self.viewer).create({
                "partner_id": self.customer.id, "invoice_ids": [Command.set(invoices.ids)],
                "installment_count": 2, "first_due_date": JAN31,
            })
        plan.with_user(self.manager).action_confirm()
        self.assertEqual(plan.state, "active")
        self.assertTrue(all(invoices.mapped("debt_in_plan")))
        with self.assertRaises(AccessError):
            plan.with_user(self.collector).action_cancel()
        self.assertEqual(plan.state, "active")
        plan.with_user(self.manager).action_cancel()
        self.assertEqual(plan.state, "cancelled")
        self.assertFalse(any(invoices.mapped("debt_in_plan")))
        # Tracking is written at commit time; run those hooks as mail's own tests do.
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = plan.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state")
        labels = dict(plan._fields["state"]._description_selection(self.env))
        self.assertEqual(set(tracked.mapped("new_value_char")),
                         {labels["active"], labels["cancelled"]})


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestInstallmentAgreement(PlanCommon):
    def _render(self, plan):
        return render_pdf_text(
            self.env, "auto_service_debt.action_report_installment_agreement", plan.ids, layout=True
        )

    def test_agreement_pdf(self):
        invoices = self._three_invoices()
        plan = self._wizard(invoices, down_payment_amount=10000.00, down_payment_date=TODAY)
        plan.with_user(self.manager).action_confirm()
        values = plan._get_agreement_values()
        self.assertEqual(values["total"], 100000.00)
        self.assertEqual(len(values["lines"]), 7)
        self.assertEqual([inv["covered"] for inv in values["invoices"]],
                         [40000.00, 35000.00, 25000.00])
        text = self._render(plan)
        self.assertIn("Garage Customer LLC", text)
        self.assertIn("INSTALLMENT AGREEMENT", text)
        self.assertIn("Consequences of default", text)
        self.assertIn(plain(values["total_str"]), text)
        for line in values["lines"]:
            self.assertIn(line["due_date_str"], text)
            self.assertIn(plain(line["amount_str"]), text)
        for inv in invoices:
            self.assertIn(inv.name, text)
        self.assertIn(format_date(self.env, date(2025, 2, 28), lang_code="en_US"), text)

    def test_agreement_pdf_russian(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.customer.lang = "ru_RU"
        plan = self._wizard(self._three_invoices())
        values = plan._get_agreement_values()
        text = self._render(plan)
        self.assertIn("СОГЛАШЕНИЕ О РАССРОЧКЕ", text)
        self.assertIn("Последствия просрочки", text)
        self.assertIn("28.02.2025", text)
        self.assertIn(plain(values["total_str"]), text)
        for line in values["lines"]:
            self.assertIn(line["due_date_str"], text)
            self.assertIn(plain(line["amount_str"]), text)
        self.assertNotIn("INSTALLMENT AGREEMENT", text)
