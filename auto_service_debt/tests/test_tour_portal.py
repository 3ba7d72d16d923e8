"""The customer's portal page "My debt" in the browser, as the customer's portal user
reading Russian: the items with days late, the schedule with what is paid and what is
next, the claim, the act, and the installment's pay button that opens Odoo's payment form."""

from urllib.parse import urlencode

from odoo.tests import tagged
from odoo.tools import format_amount, format_date

from .test_portal_debt import PortalDebtCommon


@tagged("post_install", "-at_install", "asd_tour")
class TestPortalTour(PortalDebtCommon):
    def test_portal_debt_tour(self):
        ru = self.env(context={"lang": "ru_RU"})
        paid, upcoming, _last = self.plan_a.line_ids.sorted("due_date")
        ids = {
            "overdue": self.inv_a1.name, "overdue_id": self.inv_a1.id, "days": 45,
            "in_plan": self.inv_a2.name,
            "plan": self.plan_a.id, "paid_line": paid.id, "next_line": upcoming.id,
            "next_date": format_date(ru, upcoming.due_date),
            "next_amount": format_amount(ru, upcoming.left_amount, self.company.currency_id),
            "claim": self.claim_a.name, "plan_name": self.plan_a.name,
        }
        self.env.flush_all()
        self.start_tour("/my", "asd_portal_debt_tour", login=self.user_alfa.login,
                        cookies={"asd_portal_tour": urlencode(ids)}, timeout=180)
        # Looking and opening the payment form change nothing: no payment, the same plan.
        self.assertFalse(self.env["payment.transaction"].search([("partner_id", "in", self.alfa_contact.ids)]))
        upcoming.invalidate_recordset()
        self.assertEqual((upcoming.paid_amount, upcoming.state), (0.0, "open"))
