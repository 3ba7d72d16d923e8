from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestVehicleHold(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor = cls.env["res.partner"].create({"name": "Debtor Ivanov"})
        cls.leasing = cls.env["res.partner"].create({"name": "Leasing LLC", "is_company": True})
        brand = cls.env["fleet.vehicle.model.brand"].create({"name": "Lada"})
        model = cls.env["fleet.vehicle.model"].create({"name": "Vesta", "brand_id": brand.id})
        cls.own_car = cls.env["fleet.vehicle"].create({
            "model_id": model.id, "license_plate": "А111АА77", "debt_owner_id": cls.debtor.id,
            "company_id": cls.env.company.id,
        })
        cls.leased_car = cls.env["fleet.vehicle"].create({
            "model_id": model.id, "license_plate": "В222ВВ77", "debt_owner_id": cls.leasing.id,
            "company_id": cls.env.company.id,
        })
        cls.invoice = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.debtor.id, "invoice_date": "2026-10-01",
            "invoice_line_ids": [Command.create({
                "name": "Engine repair", "quantity": 1, "price_unit": 42000.0,
                "tax_ids": [Command.clear()],
            })],
        })
        cls.invoice.action_post()
        groups = {
            role: cls.env.ref(f"auto_service_debt.group_debt_{role}")
            for role in ("user", "collector", "manager")
        }
        cls.users = {
            role: cls.env["res.users"].create({
                "name": f"Hold {role}", "login": f"hold_{role}", "email": f"hold_{role}@example.com",
                "company_id": cls.env.company.id, "company_ids": [Command.set(cls.env.company.ids)],
                "groups_id": [Command.set([
                    cls.env.ref("base.group_user").id, group.id,
                    cls.env.ref("account.group_account_invoice").id,
                ])],
            })
            for role, group in groups.items()
        }

    def _hold(self, user="collector", vehicle=None):
        return self.env["debt.vehicle.hold"].with_user(self.users[user]).create({
            "vehicle_id": (vehicle or self.own_car).id,
            "partner_id": self.debtor.id,
            "move_ids": [Command.set(self.invoice.ids)],
            "storage_fee": 500.0,
            "start_date": "2026-11-01",
        })

    def test_hold_own_car(self):
        hold = self._hold()
        self.assertEqual(hold.state, "held")
        self.assertEqual(hold.amount_due, 42000.00)
        self.assertTrue(self.own_car.debt_on_hold)
        self.assertIn(self.own_car, self.env["fleet.vehicle"].search([("debt_on_hold", "=", True)]))
        self.assertIn("42", self.debtor.message_ids[0].body)

    def test_car_of_someone_else_refused(self):
        count = self.env["debt.vehicle.hold"].sudo().search_count([])
        # as in a request, the refused operation's transaction is rolled back
        with self.assertRaisesRegex(ValidationError, "belongs to Leasing LLC, not to the debtor"), \
                self.env.cr.savepoint():
            self._hold(vehicle=self.leased_car)
        self.leased_car.debt_owner_id = False
        with self.assertRaisesRegex(ValidationError, "has no owner recorded"), self.env.cr.savepoint():
            self._hold(vehicle=self.leased_car)
        self.assertEqual(self.env["debt.vehicle.hold"].sudo().search_count([]), count)

    def test_one_hold_per_car(self):
        self._hold()
        with self.assertRaisesRegex(ValidationError, "already on hold"):
            self._hold()

    def test_viewer_cannot_hold(self):
        with self.assertRaises(AccessError):
            self._hold(user="user")

    def test_release_needs_payment_or_manager(self):
        hold = self._hold()
        with self.assertRaisesRegex(UserError, "unpaid debt of"):
            hold.with_user(self.users["collector"]).action_release()
        with self.assertRaises(AccessError):
            hold.with_user(self.users["collector"])._release("friend of the owner", override=True)
        self.assertEqual(hold.state, "held")
        action = hold.with_user(self.users["manager"]).action_release()
        self.assertEqual(action["res_model"], "debt.vehicle.release.wizard")
        wizard = self.env["debt.vehicle.release.wizard"].with_user(self.users["manager"]).create({
            "hold_ids": [Command.set(hold.ids)], "reason": "Guarantee letter from the employer",
        })
        wizard.action_release()
        self.assertEqual(hold.state, "released")
        self.assertTrue(hold.release_overridden)
        self.assertEqual(hold.released_by_id, self.users["manager"])
        self.assertIn("Guarantee letter", hold.message_ids[0].body)

    def test_release_after_payment(self):
        hold = self._hold()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"payment_date": "2026-11-10"}).action_create_payments()
        self.assertEqual(hold.amount_due, 0.0)
        hold.with_user(self.users["collector"]).action_release()
        self.assertEqual(hold.state, "released")
        self.assertFalse(hold.release_overridden)
        self.assertFalse(self.own_car.debt_on_hold)

    def test_storage_fee(self):
        hold = self._hold()
        hold.sudo().release_date = "2026-11-11"  # as the release path writes it
        self.assertEqual(hold.storage_days, 10)
        self.assertEqual(hold.storage_amount, 5000.00)
