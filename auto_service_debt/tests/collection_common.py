"""Fixtures shared by the collection and dunning tests."""

from datetime import date

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CollectionCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.env.user.groups_id |= cls.env.ref("auto_service_debt.group_debt_manager")
        cls.company.write({"debt_upcoming_days": 3, "debt_batch_size": 2000})
        cls.Case = cls.env["debt.collection.case"]
        cls.stage_reminder = cls.env.ref("auto_service_debt.stage_reminder")
        cls.stage_second = cls.env.ref("auto_service_debt.stage_second_reminder")
        cls.stage_final = cls.env.ref("auto_service_debt.stage_final_notice")
        cls.stage_claim = cls.env.ref("auto_service_debt.stage_claim")
        # Only the shipped ladder: stages other tests or users may add would change the walk.
        cls.env["debt.collection.stage"].search([
            ("id", "not in", [
                cls.env.ref(f"auto_service_debt.{xmlid}").id for xmlid in (
                    "stage_reminder", "stage_second_reminder", "stage_final_notice", "stage_claim",
                    "stage_agency", "stage_court", "stage_enforcement")
            ])
        ]).active = False
        cls.customer = cls._customer("Garage Client LLC", "client@example.com", is_company=True)
        group_user = cls.env.ref("base.group_user")
        cls.collector = cls.env["res.users"].create({
            "name": "Collector", "login": "debt_collector_test", "email": "collector@example.com",
            "company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)],
            "groups_id": [Command.set([group_user.id, cls.env.ref("auto_service_debt.group_debt_collector").id,
                                       cls.env.ref("account.group_account_invoice").id])],
        })
        cls.manager = cls.env["res.users"].create({
            "name": "Debt Manager", "login": "debt_manager_test", "email": "manager@example.com",
            "company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)],
            "groups_id": [Command.set([group_user.id, cls.env.ref("auto_service_debt.group_debt_manager").id,
                                       cls.env.ref("account.group_account_manager").id])],
        })
        cls.viewer = cls.env["res.users"].create({
            "name": "Advisor", "login": "debt_viewer_test",
            "company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)],
            "groups_id": [Command.set([group_user.id, cls.env.ref("auto_service_debt.group_debt_user").id])],
        })

    @classmethod
    def _customer(cls, name, email=False, is_company=True, tz="Europe/Moscow", lang="en_US"):
        return cls.env["res.partner"].create({
            "name": name, "email": email, "is_company": is_company, "tz": tz, "lang": lang,
        })

    @classmethod
    def _invoice(cls, partner, amount, due, invoice_date=None):
        move = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_date or due,
            "invoice_date_due": due,
            "invoice_payment_term_id": False,
            "invoice_line_ids": [Command.create({
                "name": "Engine repair", "quantity": 1, "price_unit": amount,
                "tax_ids": [Command.clear()],
            })],
        })
        move.action_post()
        return move

    def _pay(self, invoice, amount=None, on=None):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": on or invoice.invoice_date_due, **({"amount": amount} if amount else {})})
        return wizard._create_payments()

    def _run(self, day):
        """The daily run of the collection step for ``day``, as the scheduler runs it."""
        self.env["debt.daily.run.state"].sudo().search([]).unlink()
        return self.env["debt.daily.run"]._run(companies=self.company, today=day, steps=["cases"])

    def _case(self, partner):
        return self.Case.search([("partner_id", "=", partner.id), ("company_id", "=", self.company.id)],
                                order="id desc", limit=1)

    def _mails(self, record):
        """Mails to the debtor about ``record`` (not the notifications of its activities)."""
        debtor = record.partner_id if record._name == "debt.collection.case" else record
        return self.env["mail.mail"].search(
            [("model", "=", record._name), ("res_id", "=", record.id), ("recipient_ids", "in", debtor.ids)],
            order="id",
        )

    def _activities(self, record):
        return self.env["mail.activity"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="id"
        )


def d(text):
    return date.fromisoformat(text)
