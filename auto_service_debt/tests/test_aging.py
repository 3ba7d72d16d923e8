from datetime import date, timedelta

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import AccessError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestAgingReport(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("auto_service_debt.group_debt_user")
        cls.customer = cls.env["res.partner"].create({"name": "Aging Customer", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Aging Contact", "parent_id": cls.customer.id}
        )
        # The report ages against the database's current date, so do the invoices.
        today = date.today()
        cls.invoices = cls.env["account.move"]
        for partner, amount, age in (
            (cls.customer, 1000.00, -5),
            (cls.customer, 200.00, 10),
            (cls.contact, 300.50, 45),
            (cls.customer, 400.00, 75),
            (cls.customer, 500.25, 120),
        ):
            cls.invoices |= cls.env["account.move"].create({
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": today - timedelta(days=max(age, 0) + 5),
                "invoice_date_due": today - timedelta(days=age),
                "invoice_line_ids": [Command.create({
                    "name": "Work", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()],
                })],
            })
        cls.invoices.action_post()

    def _row(self):
        self.env["account.move.line"].flush_model()
        return self.env["debt.aging.report"].search([
            ("partner_id", "=", self.customer.id), ("company_id", "=", self.env.company.id),
        ])

    def test_buckets(self):
        row = self._row()
        self.assertEqual(len(row), 1, "the contact's invoice is aged under its company")
        self.assertEqual(row.not_due, 1000.00)
        self.assertEqual(row.days_1_30, 200.00)
        self.assertEqual(row.days_31_60, 300.50)
        self.assertEqual(row.days_61_90, 400.00)
        self.assertEqual(row.days_90_plus, 500.25)
        self.assertEqual(row.overdue, 1400.75)
        self.assertEqual(row.total, 2400.75)
        self.assertEqual(row.max_days_late, 120)
        self.assertEqual(row.line_count, 5)

    def test_payment_moves_bucket(self):
        oldest = self.invoices[-1]
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=oldest.ids
        ).create({"amount": 100.25}).action_create_payments()
        row = self._row()
        self.assertEqual(row.days_90_plus, 400.00)
        self.assertEqual(row.total, 2300.50)

    def test_drill_down(self):
        action = self._row().action_open_items()
        lines = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(set(lines.move_id.ids), set(self.invoices.ids))

    def test_other_company_hidden(self):
        other = self.setup_other_company()["company"]
        user = self.env["res.users"].create({
            "name": "Viewer B", "login": "aging_viewer_b",
            "company_id": other.id,
            "company_ids": [Command.set(other.ids)],
            "groups_id": [Command.set([
                self.env.ref("base.group_user").id,
                self.env.ref("auto_service_debt.group_debt_user").id,
            ])],
        })
        self.assertFalse(self.env["debt.aging.report"].with_user(user).search(
            [("partner_id", "=", self.customer.id)]
        ))
        self.assertTrue(self.env["debt.aging.report"].search([("partner_id", "=", self.customer.id)]))

    def test_no_access_without_group(self):
        user = self.env["res.users"].create({
            "name": "Portal-ish", "login": "aging_no_group",
            "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
        })
        with self.assertRaises(AccessError):
            self.env["debt.aging.report"].with_user(user).search([])

    def test_penalties_column(self):
        """The aging row shows the penalties accrued on the customer's open items."""
        self.env["debt.daily.run"]._run(
            companies=self.env.company, today=date.today(), steps=["penalties"]
        )
        penalties = self.env["debt.penalty"].sudo().search([("partner_id", "=", self.customer.id)])
        self.assertTrue(penalties, "the overdue items accrued penalties")
        expected = sum(penalties.mapped("amount_open"))
        self.assertGreater(expected, 0)
        self.assertAlmostEqual(self._row().penalty, expected, places=2)
