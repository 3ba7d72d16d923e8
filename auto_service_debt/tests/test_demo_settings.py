"""The Debt Managers' own settings screen, "Run now", the company's default collector and
the demo shop as `make run` shows it."""

from collections import Counter
from datetime import timedelta

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from .common import shop_user

DEMO_COMPANY = "ООО «Автосервис Гараж»"


@tagged("post_install", "-at_install")
class TestManagerSettings(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write({
            "debt_max_overdue_days": 30, "debt_max_overdue_amount": 0.0,
            "debt_prepayment_percent": 0.0, "debt_collector_id": False,
        })
        cls.owner = shop_user(cls.env, "owner", company=cls.company)
        cls.bookkeeper = shop_user(cls.env, "bookkeeper", company=cls.company)
        cls.advisor = shop_user(cls.env, "advisor", company=cls.company)
        cls.cron = cls.env.ref("auto_service_debt.ir_cron_debt_daily_run")

    def _wizard(self, user):
        return self.env["debt.config.wizard"].with_user(user).with_context(lang="en_US")

    def _company_values(self):
        self.company.invalidate_recordset()
        return (self.company.debt_max_overdue_days, self.company.debt_max_overdue_amount,
                self.company.debt_prepayment_percent, self.company.debt_collector_id)

    def test_menu_opens_the_managers_screen(self):
        menu = self.env.ref("auto_service_debt.menu_debt_settings")
        action = self.env.ref("auto_service_debt.action_debt_manager_settings")
        self.assertEqual(menu.action, action)
        self.assertEqual(action.res_model, "debt.config.wizard")
        visible = self.env["ir.ui.menu"].with_user(self.owner)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.bookkeeper)._visible_menu_ids())
        arch = self._wizard(self.owner).get_view(action.view_id.id, "form")["arch"]
        for name in ("debt_max_overdue_days", "debt_collector_id", "action_save", "action_run_now"):
            self.assertIn(f'name="{name}"', arch)

    def test_owner_saves_settings_without_being_admin(self):
        self.assertFalse(self.owner.has_group("base.group_system"))
        self.assertFalse(self.owner.has_group("base.group_erp_manager"))
        # Odoo's own settings stay closed to the owner.
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.owner).create({})
        form = Form(self._wizard(self.owner))
        self.assertEqual(form.debt_max_overdue_days, 30, "loaded from the company")
        self.assertEqual(form.debt_claim_days_business, self.company.debt_claim_days_business)
        form.debt_max_overdue_days = 45
        form.debt_max_overdue_amount = 15000.0
        form.debt_prepayment_percent = 20.0
        form.debt_collector_id = self.bookkeeper
        form.debt_claim_signatory_name = "Андреев А. А."
        self.assertEqual(self._company_values(), (30, 0.0, 0.0, self.env["res.users"]), "not saved yet")
        wizard = form.save()
        result = wizard.action_save()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self._company_values(), (45, 15000.0, 20.0, self.bookkeeper))
        self.assertEqual(self.company.debt_claim_signatory_name, "Андреев А. А.")
        # Opened again, the screen shows what was saved; saving the form saves the settings.
        form = Form(self._wizard(self.owner))
        self.assertEqual(form.debt_max_overdue_days, 45)
        form.debt_max_overdue_days = 60
        form.save()
        self.assertEqual(self._company_values()[0], 60)

    def test_saving_new_limits_refreshes_the_flags(self):
        customer = self.env["res.partner"].create({"name": "ООО «Пять дней»", "is_company": True})
        due = fields.Date.today() - timedelta(days=5)
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": customer.id,
            "invoice_date": due - timedelta(days=10), "invoice_date_due": due,
            "invoice_line_ids": [Command.create({
                "name": "ТО-2", "quantity": 1, "price_unit": 9900.0, "tax_ids": [Command.clear()],
            })],
        })
        invoice.action_post()
        self.assertFalse(customer.with_company(self.company).debt_blocked, "5 days within 30")
        self._wizard(self.owner).create({"debt_max_overdue_days": 0}).action_save()
        customer.invalidate_recordset()
        self.assertTrue(customer.with_company(self.company).debt_blocked, "any overdue item blocks")

    def test_collector_and_viewer_are_refused(self):
        before = self._company_values()
        wizard = self._wizard(self.owner).create({})
        for user in (self.bookkeeper, self.advisor):
            with self.assertRaises(AccessError):
                self._wizard(user).create({"debt_max_overdue_days": 99})
            with self.assertRaises(AccessError):
                wizard.with_user(user).write({"debt_max_overdue_days": 99})
            with self.assertRaises(AccessError):
                wizard.with_user(user).action_save()
            with self.assertRaises(AccessError):
                self.company.with_user(user).write({"debt_max_overdue_days": 99})
        self.assertEqual(self._company_values(), before)

    def test_bad_values_are_refused_with_nothing_written(self):
        before = self._company_values()
        for vals, pattern in (
            ({"debt_max_overdue_days": -5}, r"Allowed Overdue Days of .* cannot be negative \(-5\)"),
            ({"debt_max_overdue_amount": -1.0}, "Allowed Overdue Amount of .* cannot be negative"),
            ({"debt_prepayment_percent": -10.0}, r"Default Prepayment \(%\) .* between 0 and 100"),
            ({"debt_prepayment_percent": 150.0}, r"Default Prepayment \(%\) .* between 0 and 100"),
            ({"debt_grade_d_prepayment": 120.0}, r"Prepayment for Grade D \(%\) .* between 0 and 100"),
            ({"debt_plan_grace_days": -1}, "Installment Grace Days .* cannot be negative"),
            ({"debt_batch_size": 0}, "Daily Run Batch Size .* at least 1"),
            ({"debt_collector_id": self.advisor.id}, "Shop Advisor is not a Debt Collector"),
        ):
            # With a valid change beside the bad value: neither is written.
            with self.assertRaisesRegex(ValidationError, pattern), self.env.cr.savepoint():
                self._wizard(self.owner).create({"debt_claim_signatory_title": "Директор", **vals})
            self.assertEqual(self._company_values(), before, vals)
            self.assertNotEqual(self.company.debt_claim_signatory_title, "Директор")
        # Settings → Debt Control (administrators) meets the same checks.
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.env.cr.savepoint():
            self.company.with_context(lang="en_US").write({"debt_claim_days_individual": -10})

    def test_run_now_triggers_the_scheduled_run(self):
        Trigger = self.env["ir.cron.trigger"].sudo()
        today = fields.Date.today()
        state = self.env["debt.daily.run.state"].sudo().create({
            "company_id": self.company.id, "run_date": today, "step": "flags",
            "done": True, "last_partner_id": 42,
        })
        before = Trigger.search_count([("cron_id", "=", self.cron.id)])
        for user in (self.bookkeeper, self.advisor):
            with self.assertRaises(AccessError):
                self.env["debt.daily.run"].with_user(user).action_run_now()
        self.assertEqual(Trigger.search_count([("cron_id", "=", self.cron.id)]), before)
        self.assertTrue(state.done)
        # The button of the settings screen.
        result = self._wizard(self.owner).create({}).action_run_now()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(result["params"]["type"], "success")
        triggers = Trigger.search([("cron_id", "=", self.cron.id)])
        self.assertEqual(len(triggers), before + 1)
        self.assertLessEqual(max(triggers.mapped("call_at")), fields.Datetime.now())
        # Today's steps run again.
        self.assertEqual((state.done, state.last_partner_id), (False, 0))

    def test_default_collector_is_responsible_of_new_cases(self):
        self.company.debt_collector_id = self.bookkeeper
        today = fields.Date.today()

        def debtor(name, salesperson=False):
            partner = self.env["res.partner"].create({
                "name": name, "is_company": True, "email": False, "user_id": salesperson,
            })
            due = today - timedelta(days=15)
            self.env["account.move"].create({
                "move_type": "out_invoice", "partner_id": partner.id,
                "invoice_user_id": self.advisor.id,
                "invoice_date": due - timedelta(days=10), "invoice_date_due": due,
                "invoice_line_ids": [Command.create({
                    "name": "Замена сцепления", "quantity": 1, "price_unit": 32000.0,
                    "tax_ids": [Command.clear()],
                })],
            }).action_post()
            return partner

        walk_in = debtor("ООО «Без менеджера»")
        key_account = debtor("ООО «Ключевой клиент»", self.owner.id)
        self.env["debt.daily.run"]._run(companies=self.company, today=today, steps=["cases"])
        Case = self.env["debt.collection.case"].sudo()
        case = Case.search([("partner_id", "=", walk_in.id), ("company_id", "=", self.company.id)])
        self.assertEqual(case.user_id, self.bookkeeper, "the default collector, not the invoice's salesperson")
        self.assertEqual(case.stage_id, self.env.ref("auto_service_debt.stage_second_reminder"))
        other = Case.search([("partner_id", "=", key_account.id), ("company_id", "=", self.company.id)])
        self.assertEqual(other.user_id, self.owner, "the customer's salesperson")
        activities = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "debt.collection.case"), ("res_id", "=", case.id),
        ])
        self.assertEqual(activities.user_id, self.bookkeeper)
        # In the language of the responsible (the bookkeeper works in Russian).
        self.assertEqual(self.bookkeeper.lang, "ru_RU")
        self.assertEqual(sorted(activities.mapped("summary")), [
            "Напомнить ООО «Без менеджера»: нет адреса e-mail",
            "Позвонить клиенту по поводу просроченной оплаты",
        ])


@tagged("post_install", "-at_install")
class TestDemoShop(TransactionCase):
    """What the demo loader left in the database (the test database has demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].search([("name", "=", DEMO_COMPANY)])
        cls.partners = cls.env["res.partner"].search([("ref", "=like", "DEMO-%")])
        cls.staff = {
            login: cls.env["res.users"].search([("login", "=", login)])
            for login in ("admin", "owner", "bookkeeper", "advisor")
        }

    def test_cases_have_stages_and_a_real_responsible(self):
        self.assertEqual(len(self.company), 1)
        cases = self.env["debt.collection.case"].search([
            ("company_id", "=", self.company.id), ("state", "=", "open"),
        ])
        by_stage = Counter(case.stage_id.get_external_id()[case.stage_id.id] for case in cases)
        self.assertEqual(by_stage, {
            "auto_service_debt.stage_reminder": 2,  # Петрова's late invoice is under a plan
            "auto_service_debt.stage_second_reminder": 2,
            "auto_service_debt.stage_final_notice": 4,
        })
        odoobot = self.env.ref("base.user_root")
        self.assertNotIn(odoobot, cases.user_id)
        self.assertEqual(cases.user_id, self.staff["bookkeeper"] | self.staff["owner"])
        self.assertEqual(self.company.debt_collector_id, self.staff["bookkeeper"])
        owner_cases = cases.filtered(lambda c: c.user_id == self.staff["owner"])
        self.assertEqual(sorted(owner_cases.partner_id.mapped("ref")), ["DEMO-02", "DEMO-08"])
        activities = self.env["mail.activity"].search([
            ("res_model", "=", "debt.collection.case"), ("res_id", "in", cases.ids),
        ])
        self.assertTrue(activities)
        self.assertNotIn(odoobot, activities.user_id)
        self.assertIn("Позвонить клиенту по поводу просроченной оплаты", activities.mapped("summary"))

    def test_portal_customer_pays_in_installments_online(self):
        user = self.env["res.users"].search([("login", "=", "petrova")])
        self.assertTrue(user.share, "a portal user, not staff")
        self.assertEqual(user.partner_id.ref, "DEMO-03")
        plan = self.env["debt.installment.plan"].search([("partner_id", "=", user.partner_id.id)])
        self.assertEqual((plan.state, plan.company_id), ("active", self.company))
        self.assertEqual(plan.line_ids.mapped("amount"), [3300.0, 3300.0, 3300.0])
        self.assertFalse(self.env["debt.collection.case"].search([
            ("partner_id", "=", user.partner_id.id), ("state", "=", "open")]), "the plan covers her late invoice")
        provider = self.env["payment.provider"].search([("code", "=", "demo"), ("company_id", "=", self.company.id)])
        self.assertEqual((provider.state, provider.is_published), ("test", True))

    def test_statements_close_on_the_debt_of_the_day(self):
        """No demo invoice is dated after today (the upcoming payments are upcoming by
        their due dates), so each customer's statement closes on what it owes today."""
        today = fields.Date.context_today(self.env["res.partner"])
        invoices = self.env["account.move"].search([
            ("company_id", "=", self.company.id), ("partner_id", "in", self.partners.ids),
            ("move_type", "=", "out_invoice"),
        ])
        self.assertEqual(len(invoices), 40)
        self.assertLessEqual(max(invoices.mapped("invoice_date")), today)
        self.assertGreater(max(invoices.mapped("invoice_date_due")), today)
        statements = self.partners._get_debt_statement_values(self.company, date_to=today)
        positions = self.env["debt.position"]._get_positions(self.partners, self.company, today)
        for partner in self.partners:
            values = statements[partner.id]
            self.assertEqual(values["closing"], values["open_total"], partner.ref)
            self.assertEqual(values["closing"], positions[partner.id]["receivable"], partner.ref)

    def test_mix_of_blocked_and_free_customers(self):
        self.assertEqual(len(self.partners), 10)
        self.assertEqual(self.company.debt_max_overdue_days, 30)
        statuses = self.env["debt.partner.status"].search([
            ("company_id", "=", self.company.id), ("partner_id", "in", self.partners.ids),
        ])
        blocked = sorted(statuses.filtered("blocked").partner_id.mapped("ref"))
        self.assertEqual(blocked, ["DEMO-01", "DEMO-02", "DEMO-04", "DEMO-06", "DEMO-07"])
        policy = self.partners.with_company(self.company)
        self.assertEqual(policy.filtered(lambda p: p.ref == "DEMO-08").debt_block_mode, "never")
        self.assertEqual(policy.filtered(lambda p: p.ref == "DEMO-07").debt_block_mode, "always")

    def test_staff_have_their_roles_and_documents(self):
        advisor, bookkeeper, owner = (self.staff[k] for k in ("advisor", "bookkeeper", "owner"))
        for user in (advisor, bookkeeper, owner):
            self.assertFalse(user.has_group("base.group_system"), user.login)
            self.assertFalse(user.has_group("base.group_erp_manager"), user.login)
            self.assertEqual(user.lang, "ru_RU")
        self.assertTrue(self.staff["admin"].has_group("base.group_system"))
        self.assertTrue(advisor.has_group("stock.group_stock_user"))
        self.assertTrue(advisor.has_group("auto_service_debt.group_debt_user"))
        self.assertFalse(advisor.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertTrue(bookkeeper.has_group("account.group_account_invoice"))
        self.assertTrue(bookkeeper.has_group("auto_service_debt.group_debt_collector"))
        self.assertFalse(bookkeeper.has_group("auto_service_debt.group_debt_manager"))
        self.assertTrue(owner.has_group("account.group_account_manager"))
        self.assertTrue(owner.has_group("sales_team.group_sale_manager"))
        self.assertTrue(owner.has_group("auto_service_debt.group_debt_manager"))
        # The advisor ("own documents only") sees the demo's work orders and repair orders.
        ctx = {"allowed_company_ids": self.company.ids}
        orders = self.env["sale.order"].with_user(advisor).with_context(**ctx).search([
            ("partner_id", "in", self.partners.ids),
        ])
        self.assertEqual(len(orders), 4)
        repairs = self.env["repair.order"].with_user(advisor).with_context(**ctx).search([
            ("partner_id", "in", self.partners.ids),
        ])
        self.assertEqual(len(repairs), 3)
        self.assertEqual(repairs.user_id, advisor)
        invoices = self.env["account.move"].search([
            ("company_id", "=", self.company.id), ("partner_id", "in", self.partners.ids),
            ("move_type", "=", "out_invoice"),
        ])
        self.assertEqual(invoices.invoice_user_id, advisor)
        self.assertEqual(
            sorted(self.partners.filtered("user_id").mapped("ref")), ["DEMO-02", "DEMO-08"]
        )
