"""The owner opens Debt Control → Overview (in Russian), reads the figures and drills
down from one of them: his biggest debtor's overdue opens exactly its overdue items."""

from datetime import timedelta
from urllib.parse import urlencode

from odoo.tests import HttpCase, tagged

from .common import DebtFixtures, shop_today, shop_user

DEBTOR = "ООО «Крупный Должник»"


@tagged("post_install", "-at_install", "asd_tour")
class TestDashboardTour(DebtFixtures, HttpCase):
    def test_owner_dashboard_tour(self):
        env = self.env
        company = env.company
        today = shop_today(env)  # the owner's today: the figures count days as the owner sees them
        self.service = self._service_product("Капитальный ремонт двигателя", list_price=1.0)
        debtor = self._customer(DEBTOR, lang="ru_RU")
        # bigger than anything the demo shop owes: the first of the top ten
        first = self._invoice(debtor, 4000000.0, today - timedelta(days=40))
        second = self._invoice(debtor, 3000000.0, today - timedelta(days=5))
        self._invoice(debtor, 1000000.0, today + timedelta(days=10))  # not due: not behind the figure
        owner = shop_user(env, "owner")
        env.flush_all()
        data = env["debt.dashboard"].with_user(owner).get_dashboard_data()
        top = data["top_debtors"][0]
        self.assertEqual((top["partner_id"], top["amount"]), (debtor.id, 7000000.0))
        self.start_tour("/odoo", "asd_dashboard_owner_tour", login=owner.login, timeout=120, cookies={
            "asd_dashboard_tour": urlencode({
                "debtor": debtor.id, "blocked": data["blocked"]["count"],
                "first": first.name, "second": second.name,
            }),
        })
        self.assertEqual(data["company"], company.name)
