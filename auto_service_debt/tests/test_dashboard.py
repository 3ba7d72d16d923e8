"""The owner's overview (Debt Control → Overview): every figure of
``debt.dashboard.get_dashboard_data`` equals a direct computation over the records, and
the action of each figure selects exactly the records counted."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .collection_common import CollectionCommon
from .common import shop_user

TODAY = date(2026, 3, 12)  # a Thursday: the week started on Monday 9 March


def d(value):
    return date.fromisoformat(value)


@tagged("post_install", "-at_install")
class TestDashboard(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls._service_product()
        cls.other_company = cls.setup_other_company()["company"]
        with freeze_time(f"{TODAY} 10:00:00"):
            cls._build()

    @classmethod
    def _build(cls):
        C = cls._customer
        cls.alfa, cls.beta, cls.gamma, cls.delta, cls.echo = (
            C("Alfa LLC"), C("Beta LLC"), C("Gamma LLC"), C("Delta LLC"), C("Echo LLC"))
        cls.alfa_contact = cls.env["res.partner"].create({
            "name": "Ivan", "parent_id": cls.alfa.id, "type": "invoice",
        })
        inv = cls._invoice
        # Alfa: 10 and 45 days late (the older one partly paid this month), and 5 days
        # late through its accounting contact.
        inv(cls.alfa, 10000.0, d("2026-03-02"))
        alfa_old = inv(cls.alfa, 5000.0, d("2026-01-26"))
        cls._pay(alfa_old, 2000.0, on=d("2026-03-05"))
        inv(cls.alfa_contact, 1500.0, d("2026-03-07"))
        # Beta: 75 and 120 days late, an invoice paid last month.
        inv(cls.beta, 7000.0, d("2025-12-27"))
        inv(cls.beta, 3000.0, d("2025-11-12"))
        cls._pay(inv(cls.beta, 6000.0, d("2026-02-01")), on=d("2026-02-10"))
        # Gamma: not due yet, and a payment not matched with anything (a credit).
        inv(cls.gamma, 4000.0, d("2026-03-22"), invoice_date=d("2026-03-08"))
        cls.unapplied = cls.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": cls.gamma.id,
            "amount": 1000.0, "date": d("2026-03-10"), "company_id": cls.company.id,
        })
        cls.unapplied.action_post()
        # Delta: 20 days late.
        inv(cls.delta, 8000.0, d("2026-02-20"))
        # Echo: 30 days late, under an installment plan: owed, not overdue.
        echo_invoice = inv(cls.echo, 9000.0, d("2026-02-10"))
        cls._plan(echo_invoice, 3, d("2026-04-10"))
        # Nine small debtors, 11 days late: twelve debtors, the top ten cut.
        cls.small = cls.env["res.partner"]
        for i in range(1, 10):
            partner = C(f"Small {i}")
            inv(partner, 100.0 * i, d("2026-03-01"))
            cls.small |= partner
        # Another company: never in this company's figures.
        inv(cls.alfa, 50000.0, d("2026-01-10"), company=cls.other_company)

        # The collection step opens the cases of the overdue customers.
        cls._run(TODAY)
        Promise = cls.env["debt.collection.promise"]
        case = {p: cls._open_case(p) for p in (cls.alfa, cls.beta, cls.delta)}
        assert all(case.values()), "the daily run opened no case for a debtor"
        cls.promise_today = Promise.create({"case_id": case[cls.delta].id, "date": TODAY, "amount": 4000.0})
        cls.promise_broken = Promise.create({"case_id": case[cls.beta].id, "date": TODAY, "amount": 2000.0})
        cls.promise_broken.write({"date": d("2026-03-10"), "state": "broken"})
        last_week = Promise.create({"case_id": case[cls.alfa].id, "date": TODAY, "amount": 500.0})
        last_week.write({"date": d("2026-03-06"), "state": "broken"})
        Promise.create({"case_id": case[cls.alfa].id, "date": TODAY + timedelta(days=1), "amount": 700.0})

        brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Lada"})
        model = cls.env["fleet.vehicle.model"].create({"name": "Vesta", "brand_id": brand.id})
        car = cls.env["fleet.vehicle"].create({
            "model_id": model.id, "license_plate": "А111АА77", "debt_owner_id": cls.beta.id,
            "company_id": cls.company.id,
        })
        cls.hold = cls.env["debt.vehicle.hold"].create({
            "vehicle_id": car.id, "partner_id": cls.beta.id, "start_date": TODAY,
        })
        cls.owner = shop_user(cls.env, "owner")
        cls.env.flush_all()

    # ------------------------------------------------------------------
    # Direct computations
    # ------------------------------------------------------------------

    def _open_lines(self, company=None):
        """The open receivable due lines of the company, filtered here in Python."""
        company = company or self.company
        lines = self.env["account.move.line"].search([("company_id", "=", company.id)])
        return lines.filtered(lambda line: (
            line.account_id.account_type == "asset_receivable" and line.parent_state == "posted"
            and line.partner_id and not line.reconciled and line.amount_residual != 0
        ))

    def _overdue_lines(self, company=None):
        return self._open_lines(company).filtered(lambda line: (
            line.date_maturity < TODAY and line.amount_residual > 0 and not line.debt_in_plan
        ))

    def _overdue_of(self, partner):
        return round(sum(self._overdue_lines().filtered(
            lambda line: line.partner_id.commercial_partner_id == partner).mapped("amount_residual")), 2)

    def _selected(self, figure, user=None):
        """The records the figure's action opens, as the user sees them."""
        action = figure["action"]
        self.assertEqual(action["type"], "ir.actions.act_window")
        return self.env[action["res_model"]].with_user(user or self.owner).search(action["domain"])

    def _data(self, user=None, companies=None):
        user = user or self.owner
        env_company = self.env["debt.dashboard"].with_user(user)
        if companies:
            env_company = env_company.with_context(allowed_company_ids=companies.ids)
        with freeze_time(f"{TODAY} 10:00:00"):
            return env_company.get_dashboard_data()

    # ------------------------------------------------------------------
    def test_overdue_and_aging(self):
        data = self._data()
        overdue = self._overdue_lines()
        self.assertEqual(data["overdue"]["amount"], round(sum(overdue.mapped("amount_residual")), 2))
        # 14 500 (Alfa and its contact) + 10 000 (Beta) + 8 000 (Delta) + 4 500 (small ones)
        self.assertEqual(data["overdue"]["amount"], 37000.0)
        self.assertEqual(data["overdue"]["debtors"], 12)
        self.assertEqual(self._selected(data["overdue"]), overdue)
        # The position says the same.
        partners = overdue.partner_id.commercial_partner_id
        positions = self.env["debt.position"]._get_positions(partners, self.company, TODAY)
        self.assertEqual(data["overdue"]["amount"], round(sum(p["overdue_amount"] for p in positions.values()), 2))

        expected = {"days_1_30": 24000.0, "days_31_60": 3000.0, "days_61_90": 7000.0, "days_90_plus": 3000.0}
        bounds = {"days_1_30": (1, 30), "days_31_60": (31, 60), "days_61_90": (61, 90), "days_90_plus": (91, 10**6)}
        self.assertEqual([b["key"] for b in data["aging"]], list(expected))
        for bucket in data["aging"]:
            first, last = bounds[bucket["key"]]
            lines = overdue.filtered(lambda line, f=first, la=last: f <= (TODAY - line.date_maturity).days <= la)
            self.assertEqual(bucket["amount"], round(sum(lines.mapped("amount_residual")), 2), bucket["key"])
            self.assertEqual(bucket["amount"], expected[bucket["key"]], bucket["key"])
            self.assertEqual(self._selected(bucket), lines, bucket["key"])
        self.assertEqual(sum(b["amount"] for b in data["aging"]), data["overdue"]["amount"])
        # the aging report's rows at the same date
        rows = self.env["debt.aging.report"]._debt_aging_rows(partners.ids, self.company, TODAY)
        for bucket in data["aging"]:
            self.assertEqual(bucket["amount"], round(sum(r[bucket["key"]] for r in rows.values()), 2))

    def test_dso(self):
        data = self._data()
        dso = data["dso"]
        open_lines = self._open_lines()
        receivable = round(sum(open_lines.mapped("amount_residual")), 2)
        # overdue 37 000 + not due 4 000 + under a plan 9 000 − the unapplied payment 1 000
        self.assertEqual(receivable, 49000.0)
        self.assertEqual(dso["receivable"]["amount"], receivable)
        self.assertEqual(self._selected(dso["receivable"]), open_lines)
        moves = self.env["account.move"].search([
            ("company_id", "=", self.company.id), ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ]).filtered(lambda m: TODAY - timedelta(days=89) <= m.invoice_date <= TODAY)
        sales = round(sum(moves.mapped("amount_total_signed")), 2)
        # every invoice but Beta's of 12 November (120 days ago)
        self.assertEqual(sales, 55000.0)
        self.assertEqual(dso["sales"]["amount"], sales)
        self.assertEqual(self._selected(dso["sales"]), moves)
        self.assertEqual(dso["days"], round(receivable / sales * 90, 1))
        self.assertEqual(dso["days"], 80.2)

    def test_collected(self):
        data = self._data()
        payments = self.env["account.payment"].search([("company_id", "=", self.company.id)]).filtered(
            lambda p: p.payment_type == "inbound" and p.partner_type == "customer"
            and p.state in ("in_process", "paid"))
        this_month = payments.filtered(lambda p: d("2026-03-01") <= p.date <= d("2026-03-31"))
        last_month = payments.filtered(lambda p: d("2026-02-01") <= p.date <= d("2026-02-28"))
        for key, records, amount in (("this_month", this_month, 3000.0), ("last_month", last_month, 6000.0)):
            figure = data["collected"][key]
            self.assertEqual(figure["amount"], round(sum(records.mapped("amount_company_currency_signed")), 2))
            self.assertEqual(figure["amount"], amount, key)
            self.assertEqual(figure["count"], len(records))
            self.assertEqual(self._selected(figure), records, key)

    def test_promises(self):
        data = self._data()
        Promise = self.env["debt.collection.promise"]
        promises = Promise.search([("company_id", "=", self.company.id)])
        due_today = promises.filtered(lambda p: p.state == "open" and p.date == TODAY)
        broken = promises.filtered(lambda p: p.state == "broken" and d("2026-03-09") <= p.date <= TODAY)
        self.assertEqual(due_today, self.promise_today)
        self.assertEqual(broken, self.promise_broken, "a promise broken last week is not this week's")
        for key, records in (("due_today", due_today), ("broken_week", broken)):
            figure = data["promises"][key]
            self.assertEqual(figure["count"], len(records))
            self.assertEqual(figure["amount"], sum(records.mapped("amount")))
            self.assertEqual(self._selected(figure), records)

    def test_cases_by_stage(self):
        data = self._data()
        cases = self.env["debt.collection.case"].search([
            ("company_id", "=", self.company.id), ("state", "=", "open"),
        ])
        self.assertEqual(len(cases), 12, "a case for every overdue customer, none for Echo under its plan")
        by_stage = {}
        for case in cases:
            by_stage.setdefault(case.stage_id, self.env["debt.collection.case"])
            by_stage[case.stage_id] |= case
        self.assertEqual([s["id"] for s in data["stages"]], by_stage and [
            stage.id for stage in sorted(by_stage, key=lambda s: (s.sequence, s.days_overdue, s.id))])
        for figure in data["stages"]:
            stage_cases = by_stage[self.env["debt.collection.stage"].browse(figure["id"])]
            self.assertEqual(figure["count"], len(stage_cases))
            self.assertEqual(figure["amount"], round(sum(self._overdue_of(c.partner_id) for c in stage_cases), 2))
            self.assertEqual(figure["name"], stage_cases.stage_id.with_user(self.owner).name)
            self.assertEqual(self._selected(figure), stage_cases)
        self.assertEqual(sum(s["amount"] for s in data["stages"]), data["overdue"]["amount"])

    def test_top_debtors(self):
        data = self._data()
        top = data["top_debtors"]
        debtors = self._overdue_lines().partner_id.commercial_partner_id
        ranked = sorted(debtors, key=lambda p: (-self._overdue_of(p), p.id))[:10]
        self.assertEqual([t["partner_id"] for t in top], [p.id for p in ranked])
        self.assertEqual([t["partner_id"] for t in top[:3]], [self.alfa.id, self.beta.id, self.delta.id])
        self.assertNotIn(self.small[0].id, [t["partner_id"] for t in top], "the two smallest are cut")
        for figure, partner in zip(top, ranked, strict=True):
            self.assertEqual(figure["amount"], self._overdue_of(partner))
            self.assertEqual(figure["name"], partner.display_name)
            lines = self._overdue_lines().filtered(lambda line, p=partner: line.partner_id.commercial_partner_id == p)
            self.assertEqual(self._selected(figure), lines)
            self.assertEqual(figure["days"], max((TODAY - line.date_maturity).days for line in lines))
        self.assertEqual(top[0]["amount"], 14500.0)
        self.assertEqual(top[0]["days"], 45)

    def test_blocked_and_holds(self):
        data = self._data()
        statuses = self.env["debt.partner.status"].search([
            ("company_id", "=", self.company.id), ("blocked", "=", True),
        ])
        blocked = statuses.partner_id
        # any overdue item blocks (the default): every debtor, not Echo under its plan
        self.assertEqual(blocked, self.alfa | self.beta | self.delta | self.small)
        self.assertEqual(data["blocked"]["count"], len(blocked))
        self.assertEqual(self._selected(data["blocked"]), blocked)
        holds = self.env["debt.vehicle.hold"].search([("company_id", "=", self.company.id)]).filtered(
            lambda h: h.state == "held")
        self.assertEqual(holds, self.hold)
        self.assertEqual(data["holds"]["count"], 1)
        self.assertEqual(self._selected(data["holds"]), holds)

    def test_current_company_only(self):
        """An owner of both companies sees the figures of the company he works in."""
        self.owner.company_ids = [Command.link(self.other_company.id)]
        both = self.company | self.other_company
        data = self._data(companies=both)
        self.assertEqual(data["overdue"]["amount"], 37000.0)
        self.assertEqual(data["top_debtors"][0]["amount"], 14500.0)
        # the drill-down, opened with both companies allowed, stays in this company
        lines = self.env["account.move.line"].with_user(self.owner).with_context(
            allowed_company_ids=both.ids).search(data["overdue"]["action"]["domain"])
        self.assertEqual(lines, self._overdue_lines())
        other = self._data(companies=self.other_company | self.company)
        self.assertEqual(other["company"], self.other_company.name)
        self.assertEqual(other["overdue"]["amount"], 50000.0)
        self.assertEqual(other["overdue"]["amount"], round(sum(
            self._overdue_lines(self.other_company).mapped("amount_residual")), 2))
        self.assertEqual([t["partner_id"] for t in other["top_debtors"]], [self.alfa.id])
        self.assertEqual(other["collected"]["this_month"]["amount"], 0.0)
        self.assertFalse(other["stages"], "the collection step ran in the first company only")

    def test_access(self):
        """The Collector (bookkeeper) reads the overview; a Viewer (service advisor) is
        refused with a message, and the menu is not shown to him."""
        bookkeeper = shop_user(self.env, "bookkeeper")
        data = self._data(user=bookkeeper)
        self.assertEqual(data["overdue"]["amount"], 37000.0)
        self.assertEqual(self._selected(data["overdue"], bookkeeper), self._overdue_lines())
        advisor = shop_user(self.env, "advisor")
        with self.assertRaisesRegex(AccessError, "Debt Collectors and Debt Managers"):
            self._data(user=advisor)
        menu = self.env.ref("auto_service_debt.menu_debt_overview")
        visible = self.env["ir.ui.menu"].with_user(advisor)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.owner)._visible_menu_ids())

    def test_query_count(self):
        """The overview is a handful of set-based statements, not one per record."""
        dashboard = self.env["debt.dashboard"].with_user(self.owner)
        with freeze_time(f"{TODAY} 10:00:00"):
            dashboard.get_dashboard_data()
            self.env.invalidate_all()
            with self.assertQueryCount(14):
                dashboard.get_dashboard_data()
