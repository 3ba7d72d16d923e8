from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestGroups(AccountTestInvoicingCommon):
    def test_group_implications(self):
        viewer = self.env.ref("auto_service_debt.group_debt_user")
        collector = self.env.ref("auto_service_debt.group_debt_collector")
        manager = self.env.ref("auto_service_debt.group_debt_manager")
        self.assertIn(viewer, collector.implied_ids)
        self.assertIn(collector, manager.implied_ids)
        self.assertEqual(manager.trans_implied_ids & (viewer | collector), viewer | collector)
        user = self.env["res.users"].create({
            "name": "Collector", "login": "collector_impl",
            "groups_id": [Command.set([self.env.ref("base.group_user").id, collector.id])],
        })
        self.assertTrue(user.has_group("auto_service_debt.group_debt_user"))
        self.assertTrue(user.has_group("auto_service_debt.group_debt_collector"))
        self.assertFalse(user.has_group("auto_service_debt.group_debt_manager"))


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def test_demo_shop(self):
        company = self.env["res.company"].search([("name", "=", "ООО «Автосервис Гараж»")])
        self.assertEqual(len(company), 1, "the demo company exists")
        self.assertEqual(company.currency_id.name, "RUB")
        partners = self.env["res.partner"].search([("ref", "=like", "DEMO-%")])
        self.assertEqual(len(partners), 10)
        self.assertTrue(partners.filtered("is_company") and partners.filtered(lambda p: not p.is_company))
        invoices = self.env["account.move"].search([
            ("company_id", "=", company.id), ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"), ("partner_id", "in", partners.ids),
        ])
        self.assertEqual(len(invoices), 40)
        # The loader dates everything relative to its own day (the shop's, which the daily
        # run it starts records); the database may be used later.
        loaded = self.env["debt.daily.run.state"].search(
            [("company_id", "=", company.id)], order="run_date, id", limit=1).run_date
        self.assertTrue(loaded)
        ages = {(loaded - inv.invoice_date_due).days for inv in invoices if inv.payment_state != "paid"}
        # early stages only: no unpaid debt is as old as the claim letter stage (30 days)
        for age in (5, 12, 18, 25, 28):
            self.assertIn(age, ages, f"an unpaid invoice {age} days overdue exists")
        self.assertLess(max(ages), 30)
        self.assertTrue(any(age < 0 for age in ages), "some invoices are not yet due")
        partial = invoices.filtered(lambda m: m.payment_state == "partial")
        self.assertEqual(len(partial), 5)
        big = partial.filtered(lambda m: m.partner_id.ref == "DEMO-02")
        self.assertEqual(big.amount_residual, 87000.00)  # 145 000 with 40 % paid
        self.assertEqual(len(invoices.filtered(lambda m: m.payment_state in ("paid", "in_payment"))), 11)
        orders = self.env["sale.order"].search([
            ("company_id", "=", company.id), ("state", "=", "sale"), ("partner_id", "in", partners.ids),
        ])
        self.assertEqual(len(orders), 3)
        self.assertTrue(all(orders.mapped("debt_vehicle_id")))
        position = self.env["debt.position"]._get_positions(
            partners.filtered(lambda p: p.ref == "DEMO-02"), company, loaded
        )
        pos = next(iter(position.values()))
        self.assertEqual(pos["overdue_amount"], 87000.00 + 86000.00 + 52000.00)
        self.assertEqual(pos["overdue_days"], 28)
        self.assertEqual(pos["unbilled"], 15000.00)


@tagged("post_install", "-at_install")
class TestVehicleOnDocuments(AccountTestInvoicingCommon):
    def test_work_order_vehicle_reaches_invoice(self):
        brand = self.env["fleet.vehicle.model.brand"].create({"name": "Lada"})
        model = self.env["fleet.vehicle.model"].create({"name": "Granta", "brand_id": brand.id})
        vehicle = self.env["fleet.vehicle"].create({
            "model_id": model.id, "license_plate": "Х001ХХ77", "vin_sn": "XTA219000K0000001",
            "debt_customer_id": self.partner_a.id, "company_id": self.env.company.id,
        })
        order = self.env["sale.order"].create({
            "partner_id": self.partner_a.id,
            "debt_vehicle_id": vehicle.id,
            "order_line": [Command.create({
                "product_id": self.product_a.id, "product_uom_qty": 2, "price_unit": 1500.0,
            })],
        })
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(invoice.debt_vehicle_id, vehicle)
        self.assertEqual(invoice.debt_license_plate, "Х001ХХ77")
        self.assertEqual(invoice.debt_vin, "XTA219000K0000001")
        invoice.action_post()
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account.report_invoice", invoice.ids
        )[0].decode()
        self.assertIn("Х001ХХ77", html)
        self.assertIn("XTA219000K0000001", html)

    def test_repair_order_vehicle_reaches_sale_order(self):
        brand = self.env["fleet.vehicle.model.brand"].create({"name": "Kia"})
        model = self.env["fleet.vehicle.model"].create({"name": "Rio", "brand_id": brand.id})
        vehicle = self.env["fleet.vehicle"].create({
            "model_id": model.id, "license_plate": "Е002ЕЕ77", "company_id": self.env.company.id,
        })
        repair = self.env["repair.order"].create({
            "partner_id": self.partner_a.id, "debt_vehicle_id": vehicle.id,
        })
        repair.action_create_sale_order()
        self.assertEqual(repair.sale_order_id.debt_vehicle_id, vehicle)
