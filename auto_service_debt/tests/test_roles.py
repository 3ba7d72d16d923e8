"""The shop's staff in their ordinary roles (none an administrator, none with an e-mail
address, in Russian): what each may do, what each may not do by any path, and the bad
input that is refused with nothing written."""

import contextlib
import logging
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import DebtTestCommon, shop_user

TODAY = date(2026, 12, 1)
# How a refusal reaches the user: an error dialog (AccessError and ValidationError are
# UserErrors), or, for a manager's blocked confirmation, the offer to override.
REFUSED = (UserError, RedirectWarning)


class RolesCommon(DebtTestCommon):
    @contextlib.contextmanager
    def assertRefused(self, msg=None):  # noqa: N802 (unittest's style)
        """The block refuses with one of ``REFUSED``; what it began is rolled back, as
        in a request."""
        try:
            with self.env.cr.savepoint():
                yield
        except REFUSED:
            self.env.invalidate_all()
            return
        raise AssertionError(msg or "not refused")

    @contextlib.contextmanager
    def subTest(self, msg=None, **params):  # noqa: N802 (unittest's name)
        """Name the action and the group in a failure (pytest-odoo runs no unittest
        sub-tests): the test stops at the first failing combination."""
        try:
            yield
        except AssertionError as exc:
            raise AssertionError(f"{params}: {exc}") from exc

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # The fixtures are made by the test's accountant, who also manages debt here.
        cls.env.user.groups_id += cls.env.ref("auto_service_debt.group_debt_manager")
        cls.company.write({
            "debt_max_overdue_days": 30, "debt_prepayment_percent": 0.0,
            "account_use_credit_limit": True, "debt_block_repair": True,
            "debt_key_rate_known_until": TODAY,
            "debt_penalty_policy_id": cls.env.ref("auto_service_debt.debt_penalty_policy_key_rate").id,
            "debt_bad_debt_account_id": cls.company_data["default_account_expense"].id,
        })
        cls.users = {role: shop_user(cls.env, role) for role in ("advisor", "bookkeeper", "owner")}
        # Debt groups of the roles: Viewer, Collector, Manager.
        cls.by_group = {
            "viewer": cls.users["advisor"], "collector": cls.users["bookkeeper"],
            "manager": cls.users["owner"],
        }
        cls.service = cls._service_product("Замена тормозных колодок", list_price=5000.0)

    def _collected_case(self, partner):
        """The case that the collection step of the daily run opens for an overdue customer."""
        self._step("debt.collection.case", "_debt_daily_collect", partner)
        case = self._open_case(partner)
        self.assertEqual(len(case), 1, "the daily run opens the case of an overdue customer")
        return case


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDailyWork(RolesCommon):
    """Each role's ordinary day works without an access error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor = cls._customer("ООО «Должник»")
        cls.invoice = cls._invoice(cls.debtor, 10000.0, TODAY - timedelta(days=60))

    def test_salesperson_without_invoicing_opens_orders(self):
        """Item 1: Sales rights only, with or without a Debt group, read a whole order
        (its prepayments are accounting documents they may not read: not shown)."""
        plain = new_test_user(self.env, "plain_seller", groups="base.group_user,sales_team.group_sale_salesman",
                              email=False)
        for user in (plain, self.users["advisor"]):
            order = self._order(self.debtor, 5000.0, user=user)
            values = order.with_user(user).read()[0]
            self.assertEqual(values["partner_id"][0], self.debtor.id)
            self.assertNotIn("debt_payment_ids", values)
            self.assertEqual(order.with_user(user).state, "draft")
        banner = self._order(self.debtor, 5000.0, user=self.users["advisor"]).with_user(self.users["advisor"])
        self.assertEqual(banner.debt_block_state, "blocked")
        self.assertEqual(banner.debt_overdue, 10000.0)

    def test_banner_before_saving(self):
        """Item 11: the new order shows the customer's state and grade as soon as the
        customer is chosen, before anything is saved."""
        self.env["debt.partner.score"].sudo().create({
            "partner_id": self.debtor.id, "company_id": self.company.id, "score": 35, "grade": "D",
        })
        advisor = self.users["advisor"]
        # the browser's context: the user's language
        form = Form(self.env["sale.order"].with_user(advisor).with_context(lang=advisor.lang))
        self.assertEqual(form.debt_block_state, "ok")
        form.partner_id = self.debtor
        self.assertEqual(form.debt_block_state, "blocked")
        self.assertTrue(form.debt_show_banner)
        self.assertEqual(form.debt_overdue, 10000.0)
        self.assertEqual(form.debt_overdue_days, 60)
        self.assertEqual(form.debt_grade, "D")
        self.assertIn("60", form.debt_block_info)
        # Russian texts for a Russian user
        self.assertIn("Просрочка", form.debt_block_info)
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", self.debtor.id)]))
        free = self._customer("ИП Исправный")
        form.partner_id = free
        self.assertEqual(form.debt_block_state, "ok")
        self.assertEqual(form.debt_overdue, 0.0)

    def test_collector_without_email_works_the_case(self):
        """Item 3: logging a call, a promise and a dispute never depends on the user's own
        e-mail address."""
        bookkeeper = self.users["bookkeeper"]
        self.assertFalse(bookkeeper.email)
        case = self._collected_case(self.debtor).with_user(bookkeeper)
        ctx = {"active_model": "debt.collection.case", "active_id": case.id}
        self.env["debt.log.contact.wizard"].with_user(bookkeeper).with_context(ctx).create({
            "channel": "call", "result": "reached", "note": "Обещал перезвонить",
            "date": "2026-12-01 09:00:00",
        }).action_log()
        self.env["debt.promise.wizard"].with_user(bookkeeper).with_context(ctx).create({
            "date": TODAY + timedelta(days=5), "amount": 4000.0,
        }).action_record()
        self.env["debt.dispute.wizard"].with_user(bookkeeper).with_context(ctx).create({
            "reason": "Не согласен с объёмом работ", "move_ids": [Command.set(self.invoice.ids)],
        }).action_open()
        self.assertEqual(len(case.sudo().contact_ids), 1)
        self.assertEqual(case.promise_ids.mapped("amount"), [4000.0])
        self.assertEqual(case.dispute_ids.move_ids, self.invoice)
        notes = case.sudo().message_ids.mapped("body")
        self.assertTrue(any("Обещал перезвонить" in body for body in notes), notes)
        self.assertTrue(any("Не согласен" in body for body in notes), notes)
        self.assertTrue(all(m.author_id == bookkeeper.partner_id for m in case.sudo().message_ids
                            if "Не согласен" in m.body))

    def test_owner_overrides_without_email_and_block_is_not_a_server_error(self):
        """Item 12: the manager's blocked confirmation is a RedirectWarning logged like a
        user error; the override works for an owner without an e-mail address."""
        owner = self.users["owner"]
        order = self._order(self.debtor, 5000.0, user=owner).with_user(owner)
        with self.assertRaises(RedirectWarning) as caught:
            order.action_confirm()
        self.assertEqual(caught.exception.loglevel, logging.WARNING)
        self.assertIn("ООО «Должник»", caught.exception.args[0])
        action = caught.exception.args[1]
        wizard = self.env[action["res_model"]].with_user(owner).with_context(action["context"]).create({
            "reason": "Договорились о графике по телефону",
        })
        wizard.action_override()
        self.assertEqual(order.state, "sale")
        self.assertIn("Договорились", order.sudo().message_ids[0].body)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestAccessMatrix(RolesCommon):
    """Item 5 / acceptance 3: every sensitive action × the three Debt groups, by its
    button or wizard and by a direct write of the resulting state."""

    def _check(self, name, allowed, attempt, state, expected, prepare=None):
        """For each group: ``attempt(user, record)`` on a record from ``prepare()`` (made
        before the attempt, so that each group tries on the same situation) must pass,
        and ``state(record)`` become ``expected``, for the groups in ``allowed``; for the
        others it must be refused with ``state(record)`` unchanged."""
        prepare = prepare or (lambda: None)
        for group, user in self.by_group.items():
            with self.subTest(action=name, group=group):
                record = prepare()
                before = state(record)
                if group in allowed:
                    attempt(user, record)
                    self.assertEqual(state(record), expected, f"{name} by a {group}")
                else:
                    with self.assertRefused(f"{name} by a {group}: not refused"):
                        attempt(user, record)
                    self.assertEqual(state(record), before, f"{name} refused to a {group}: nothing written")

    def test_override_and_confirmation(self):
        debtor = self._customer("ООО «Блок»")
        self._invoice(debtor, 20000.0, TODAY - timedelta(days=45))

        def by_wizard(user, order):
            self.env["debt.block.override.wizard"].with_user(user).with_context(
                default_res_model="sale.order", default_res_id=order.id,
            ).create({"reason": "Согласовано владельцем"}).action_override()

        def prepare():
            return self._order(debtor, 5000.0)

        self._check("override", {"manager"}, by_wizard, lambda o: o.state, "sale", prepare)
        # The confirmed state written directly meets the block, for everyone.
        self._check("confirm by write", set(), lambda u, o: o.with_user(u).write({"state": "sale"}),
                    lambda o: o.state, "sale", prepare)
        overrides = self.env["debt.block.override"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(len(overrides), 1)
        self.assertEqual(overrides.user_id, self.by_group["manager"])
        forged = self._order(debtor, 5000.0)
        for group in ("viewer", "collector"):
            with self.subTest(forged=group), self.assertRefused():
                self.env["debt.block.override"].with_user(self.by_group[group]).create({
                    "res_model": "sale.order", "res_id": forged.id, "partner_id": debtor.id,
                    "reason": "forged",
                })
        self.assertEqual(self.env["debt.block.override"].search_count([("partner_id", "=", debtor.id)]), 1)

    def test_plans(self):
        debtor = self._customer("ООО «Рассрочка»")
        invoice = self._invoice(debtor, 30000.0, TODAY - timedelta(days=40))

        def draft():
            self.env["debt.installment.plan"].search([
                ("invoice_ids", "in", invoice.ids), ("state", "in", ("draft", "active"))]).sudo().action_cancel()
            wizard = self.env["debt.installment.plan.wizard"].with_user(self.by_group["collector"]).with_context(
                active_model="account.move", active_ids=invoice.ids,
            ).create({"installment_count": 3, "interval": "months", "first_due_date": TODAY + timedelta(days=30)})
            return self.env["debt.installment.plan"].browse(wizard.action_create_plan()["res_id"])

        def active():
            plan = draft()
            plan.sudo().action_confirm()
            return plan

        state = lambda plan: plan.state  # noqa: E731
        self._check("plan confirm", {"manager"}, lambda u, p: p.with_user(u).action_confirm(),
                    state, "active", draft)
        self._check("plan confirm by write", {"manager"}, lambda u, p: p.with_user(u).write({"state": "active"}),
                    state, "active", draft)
        self._check("plan cancel", {"manager"}, lambda u, p: p.with_user(u).action_cancel(),
                    state, "cancelled", active)
        self._check("plan cancel by write", {"manager"},
                    lambda u, p: p.with_user(u).write({"state": "cancelled"}), state, "cancelled", active)

    def test_penalties(self):
        debtor = self._customer("ООО «Пени»")
        invoice = self._invoice(debtor, 100000.0, TODAY - timedelta(days=90))
        self._step("debt.penalty", "_debt_daily_accrue", debtor)
        penalty = self.env["debt.penalty"].search([("move_id", "=", invoice.id)])
        self.assertTrue(penalty.amount_open > 0)

        def waive(user, _rec):
            action = penalty.with_user(user).action_open_waive_wizard()
            wizard = self.env[action["res_model"]].with_user(user).browse(action["res_id"])
            wizard.write({"mode": "partial", "amount": 10.0, "reason": "Жест доброй воли"})
            wizard.action_confirm()

        def waived(_rec):
            return round(sum(self.env["debt.penalty.settlement"].search(
                [("penalty_id", "=", penalty.id), ("kind", "=", "waiver")]).mapped("amount")), 2)

        self._check("waive", {"manager"}, waive, waived, 10.0)

        def settle(user, _rec):
            self.env["debt.penalty.settlement"].with_user(user).create({
                "penalty_id": penalty.id, "kind": "waiver", "date_to": TODAY, "amount": 5.0,
            })

        self._check("waiver by create", {"manager"}, settle, waived, 15.0)

        def invoice_penalties(user, _rec):
            action = penalty.with_user(user).action_open_invoice_wizard()
            self.env[action["res_model"]].with_user(user).browse(action["res_id"]).action_confirm()

        self._check("invoice penalties", {"manager"}, invoice_penalties, lambda _r: bool(
            self.env["account.move"].search([("debt_penalty_invoice", "=", True), ("partner_id", "=", debtor.id)])
        ), True)

    def test_write_off(self):
        def prepare():
            debtor = self._customer(f"ООО «Списание {self.env['res.partner'].search_count([])}»")
            self._invoice(debtor, 15000.0, TODAY - timedelta(days=200))
            return self._collected_case(debtor)

        def by_wizard(user, case):
            self.env["debt.write.off.wizard"].with_user(user).with_context(
                active_model="debt.collection.case", active_id=case.id,
            ).create({"reason": "Ликвидация должника"}).action_write_off()

        state = lambda case: (case.state, case.close_reason, bool(case.write_off_move_id))  # noqa: E731
        self._check("write-off", {"manager"}, by_wizard, state, ("closed", "written_off", True), prepare)
        # A direct write is refused to everyone: only the wizard books the entry.
        for vals in ({"state": "closed", "close_reason": "written_off"}, {"state": "closed"},
                     {"close_reason": "paid"}):
            self._check(f"write-off by write {vals}", set(), lambda u, c, v=vals: c.with_user(u).write(v),
                        state, None, prepare)

    def test_credit_limit_and_policy(self):
        customer = self._customer("ООО «Лимит»")
        prepare = lambda: customer  # noqa: E731
        self._check("credit limit", {"manager"}, lambda u, c: c.with_user(u).write({"credit_limit": 50000.0}),
                    lambda c: c.credit_limit, 50000.0, prepare)
        self._check("block mode", {"manager"}, lambda u, c: c.with_user(u).write({"debt_block_mode": "never"}),
                    lambda c: c.debt_block_mode, "never", prepare)
        self._check("own terms", {"manager"},
                    lambda u, c: c.with_user(u).write({"debt_custom_terms": True, "debt_max_overdue_days": 15}),
                    lambda c: c.debt_max_overdue_days, 15, prepare)
        # Writing the same values again (a form saved, an import) is no decision.
        customer.with_user(self.by_group["collector"]).write({
            "debt_block_mode": "never", "debt_max_overdue_days": 15, "credit_limit": 50000.0,
            "phone": "+7 495 000-00-00",
        })
        self.assertEqual(customer.phone, "+7 495 000-00-00")

    def test_penalty_terms(self):
        customer = self._customer("ООО «Условия»")
        none = self.env.ref("auto_service_debt.debt_penalty_policy_none")
        self._check("penalty policy", {"manager"},
                    lambda u, c: c.with_user(u).write({"debt_penalty_policy_id": none.id}),
                    lambda c: c.debt_penalty_policy_id, none, lambda: customer)
        # The same policy written again (a form saved, an import) is no change of terms.
        customer.with_user(self.by_group["collector"]).write({
            "debt_penalty_policy_id": none.id, "phone": "+7 495 000-00-01",
        })
        self.assertEqual(customer.phone, "+7 495 000-00-01")

    def test_company_settings_direct_write(self):
        for group, user in self.by_group.items():
            with self.subTest(group=group), self.assertRaises(AccessError), self.env.cr.savepoint():
                self.company.with_user(user).write({"debt_max_overdue_days": 99})
        self.assertEqual(self.company.debt_max_overdue_days, 30)

    def test_vehicle_hold_release(self):
        debtor = self.env["res.partner"].create({"name": "Петров Пётр"})
        invoice = self._invoice(debtor, 42000.0, TODAY - timedelta(days=20))
        brand = self.env["fleet.vehicle.model.brand"].create({"name": "Lada"})
        model = self.env["fleet.vehicle.model"].create({"name": "Vesta", "brand_id": brand.id})

        def hold():
            count = self.env["fleet.vehicle"].search_count([])
            car = self.env["fleet.vehicle"].create({
                "model_id": model.id, "license_plate": f"А{count + 100}АА77",
                "debt_owner_id": debtor.id, "company_id": self.company.id,
            })
            return self.env["debt.vehicle.hold"].create({
                "vehicle_id": car.id, "partner_id": debtor.id, "move_ids": [Command.set(invoice.ids)],
            })

        def release(user, held):
            action = held.with_user(user).action_release()
            self.env[action["res_model"]].with_user(user).with_context(action["context"]).create({
                "reason": "Владелец гарантировал оплату письмом",
            }).action_release()

        state = lambda h: h.state  # noqa: E731
        self._check("hold release", {"manager"}, release, state, "released", hold)
        self._check("hold release by write", set(), lambda u, h: h.with_user(u).write({"state": "released"}),
                    state, "released", hold)

    def test_key_rates_and_stages(self):
        rate = self.env["debt.key.rate"].search([], order="date_from desc", limit=1)
        self._check("key rate", {"manager"}, lambda u, r: r.with_user(u).write({"rate": 99.0}),
                    lambda r: r.rate, 99.0, lambda: rate)
        self._check("key rate create", {"manager"},
                    lambda u, _r: self.env["debt.key.rate"].with_user(u).create({"date_from": "2030-01-01", "rate": 1.0}),
                    lambda _r: self.env["debt.key.rate"].search_count([("date_from", "=", "2030-01-01")]), 1)
        stage = self.env.ref("auto_service_debt.stage_reminder")
        self._check("stage", {"manager"}, lambda u, st: st.with_user(u).write({"days_overdue": 3}),
                    lambda st: st.days_overdue, 3, lambda: stage)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestBadInput(RolesCommon):
    """Items 7–10: refused with an error that names the record and the fix, nothing
    written."""

    def test_write_off_reason_only_spaces(self):
        debtor = self._customer("ООО «Пробелы»")
        self._invoice(debtor, 9000.0, TODAY - timedelta(days=120))
        case = self._collected_case(debtor)
        moves = self.env["account.move"].search_count([])
        wizard = self.env["debt.write.off.wizard"].with_user(self.users["owner"]).with_context(
            active_model="debt.collection.case", active_id=case.id,
        ).create({"reason": "   "})
        with self.assertRaisesRegex(UserError, case.name):
            wizard.action_write_off()
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(case.state, "open")

    def test_negative_credit_limit_and_policy_values(self):
        customer = self._customer("ООО «Минус»")
        owner = self.users["owner"]
        for vals, pattern in (
            ({"credit_limit": -1000.0}, "credit limit of ООО «Минус» cannot be negative"),
            ({"debt_prepayment_percent": -10.0}, "between 0 and 100"),
            ({"debt_prepayment_percent": 150.0}, "between 0 and 100"),
            ({"debt_max_overdue_days": -5}, "overdue days of ООО «Минус» cannot be negative"),
            ({"debt_max_overdue_amount": -1.0}, "overdue amount of ООО «Минус» cannot be negative"),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, pattern), \
                    self.env.cr.savepoint():
                customer.with_user(owner).with_context(lang="en_US").write(dict(vals, debt_custom_terms=True))
            self.env.invalidate_all()
            self.assertEqual((customer.credit_limit, customer.debt_prepayment_percent,
                              customer.debt_max_overdue_days, customer.debt_custom_terms),
                             (0.0, 0.0, 0, False))
        partners = self.env["res.partner"].search_count([])
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["res.partner"].with_user(owner).create({"name": "Новый", "credit_limit": -5.0})
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_two_plans_in_one_transaction(self):
        customers = [self._customer(f"ООО «План {i}»") for i in range(3)]
        invoices = [self._invoice(c, 12000.0, TODAY - timedelta(days=35)) for c in customers]
        Plan = self.env["debt.installment.plan"].with_user(self.users["bookkeeper"])
        vals = [{
            "partner_id": c.id, "invoice_ids": [Command.set(i.ids)], "installment_count": 2,
            "first_due_date": TODAY + timedelta(days=30),
        } for c, i in zip(customers, invoices, strict=True)]
        both = Plan.create(vals[:2])
        third = Plan.create(vals[2:])
        names = (both | third).mapped("name")
        self.assertEqual(len(set(names)), 3, names)
        self.assertNotIn("/", names)
        self.env.flush_all()


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestMergeCustomers(RolesCommon):
    """Item 6: a Sales manager merges two duplicate customers with debts; the one kept
    carries both debts, the flag, the case and the plan."""

    def test_sales_manager_merges_debtors(self):
        manager = new_test_user(
            self.env, "sales_boss", email="boss@example.com",
            groups="base.group_user,base.group_partner_manager,sales_team.group_sale_manager",
        )
        kept = self._customer("ООО «Дубль»", email="dup@example.com")
        other = self._customer("ООО «Дубль» (старый)", email="dup@example.com")
        other.write({"debt_custom_terms": True, "debt_max_overdue_days": 10})
        inv_kept = self._invoice(kept, 7000.0, TODAY - timedelta(days=50))
        inv_other = self._invoice(other, 3000.0, TODAY - timedelta(days=100))
        inv_plan = self._invoice(other, 6000.0, TODAY - timedelta(days=40))
        self._step("debt.partner.status", "_debt_daily_refresh", kept | other)
        self._step("debt.collection.case", "_debt_daily_collect", kept | other)
        cases = self.env["debt.collection.case"].search([("partner_id", "in", (kept | other).ids)])
        self.assertEqual(len(cases), 2)
        plan = self.env["debt.installment.plan"].create({
            "partner_id": other.id, "invoice_ids": [Command.set(inv_plan.ids)],
            "installment_count": 2, "first_due_date": TODAY + timedelta(days=30),
        })
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(manager).create({
            "partner_ids": [Command.set((kept | other).ids)], "dst_partner_id": kept.id,
        })
        wizard.action_merge()
        self.assertFalse(other.exists())
        self.assertEqual((inv_kept | inv_other | inv_plan).mapped("commercial_partner_id"), kept)
        self.assertEqual(plan.partner_id, kept)
        open_cases = cases.filtered(lambda c: c.state == "open")
        self.assertEqual(len(open_cases), 1)
        self.assertEqual(cases.mapped("partner_id"), kept, "both cases are the kept customer's")
        self.assertEqual((cases - open_cases).close_reason, "merged")
        self.assertEqual(open_cases.receivable_amount, 16000.0)
        self.assertEqual(open_cases.overdue_days, 100)
        status = self.env["debt.partner.status"].search([("partner_id", "=", kept.id),
                                                         ("company_id", "=", self.company.id)])
        self.assertTrue(status.blocked)
        self.assertEqual(status.overdue_amount, 16000.0)
        live = self.env["res.partner"]._debt_evaluate(self.company, [(kept, 0.0, None)])[0]
        self.assertEqual(live["position"]["overdue_amount"], 16000.0)
        self.assertTrue(live["reasons"])


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestAdvisorScreens(RolesCommon):
    def test_only_car_proposed_and_trusted_case_does_not_block(self):
        customer = self._customer("Сидоров Иван", is_company=False)
        model = self.env["fleet.vehicle.model"].create({
            "name": "Granta", "brand_id": self.env["fleet.vehicle.model.brand"].create({"name": "Lada"}).id,
        })
        car = self.env["fleet.vehicle"].create({
            "model_id": model.id, "license_plate": "Х001ХХ77", "debt_owner_id": customer.id,
            "company_id": self.company.id,
        })
        advisor = self.users["advisor"]
        form = Form(self.env["sale.order"].with_user(advisor).with_context(lang="ru_RU"))
        form.partner_id = customer
        self.assertEqual(form.debt_vehicle_id, car)
        second = car.copy({"license_plate": "Х002ХХ77"})
        form = Form(self.env["sale.order"].with_user(advisor))
        form.partner_id = customer
        self.assertFalse(form.debt_vehicle_id, "two cars: the advisor chooses")
        self.assertTrue(second)
        # a trusted customer's case at a blocking stage does not show as blocking
        trusted = self._customer("АО «Доверие»")
        trusted.debt_block_mode = "never"
        self._invoice(trusted, 50000.0, TODAY - timedelta(days=25))
        case = self._collected_case(trusted)
        self.assertTrue(case.block_service, "the final notice stage blocks")
        self.assertFalse(case.blocks_customer)
        blocked = self._customer("ООО «Недоверие»")
        self._invoice(blocked, 50000.0, TODAY - timedelta(days=25))
        self.assertTrue(self._collected_case(blocked).blocks_customer)
