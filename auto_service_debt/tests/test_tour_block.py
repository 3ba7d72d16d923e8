from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SHOP_TZ, shop_today


@tagged("post_install", "-at_install", "asd_tour")
class TestBlockTour(HttpCase):
    """A service advisor is refused the confirmation of a blocked customer's
    quotation; a manager overrides it with a reason that lands in the chatter."""

    def test_block_and_override_tour(self):
        company = self.env.company
        company.write({"debt_max_overdue_days": 30, "account_use_credit_limit": True})
        # the advisor works in Moscow: the days late count from the shop's today
        today = shop_today(self.env)
        partner = self.env["res.partner"].create({"name": "Tour Debtor", "is_company": True})
        partner.with_company(company).credit_limit = 1000.0
        service = self.env["product.product"].create({
            "name": "Brake repair", "type": "service", "list_price": 500.0, "taxes_id": [Command.clear()],
        })
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id,
            "invoice_date": today - timedelta(days=55), "invoice_date_due": today - timedelta(days=45),
            "invoice_line_ids": [Command.create({
                "product_id": service.id, "quantity": 1, "price_unit": 800.0, "tax_ids": [Command.clear()],
            })],
        })
        invoice.action_post()
        order = self.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [Command.create({
                "product_id": service.id, "product_uom_qty": 1, "price_unit": 500.0, "tax_id": [Command.clear()],
            })],
        })
        new_test_user(
            self.env, "tour_advisor", password="tour_advisor", email="advisor@example.com",
            context={"no_reset_password": True}, tz=SHOP_TZ,
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,auto_service_debt.group_debt_user",
        )
        self.env.flush_all()
        url = f"/odoo/sale.order/{order.id}"
        self.start_tour(url, "asd_block_advisor_tour", login="tour_advisor")
        self.assertEqual(order.state, "draft")
        self.assertFalse(self.env["debt.block.override"].search([("res_id", "=", order.id)]))

        self.start_tour(url, "asd_block_manager_tour", login="admin")
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")
        override = self.env["debt.block.override"].search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
        self.assertEqual(len(override), 1)
        self.assertEqual(override.reason, "Fleet contract renewal agreed by phone")
        self.assertEqual(override.user_id.login, "admin")
