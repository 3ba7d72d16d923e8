"""Fixtures shared by the collection and dunning tests."""

from contextlib import contextmanager
from datetime import date

from freezegun import freeze_time

from odoo import Command

from .common import DebtTestCommon


class CollectionCommon(DebtTestCommon):
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

    # The collection tests' customers are in Moscow and read English; their invoices are
    # dated on their due date; their run is the collection step, run afresh for the day.
    @classmethod
    def _customer(cls, name, email=False, is_company=True, tz="Europe/Moscow", lang="en_US", **vals):
        return super()._customer(name, email, is_company, tz=tz, lang=lang, **vals)

    @classmethod
    def _invoice(cls, partner, amount, due, invoice_date=None, **vals):
        return super()._invoice(partner, amount, due, invoice_date=invoice_date or due, **vals)

    @classmethod
    def _run(cls, day, steps=("cases",), **kwargs):
        """The daily run of the collection step for ``day``, as the scheduler runs it."""
        return super()._run(day, steps=steps, again=True, **kwargs)

    def _send_claim(self, case, day, channel="registered_mail"):
        """Issue the case's claim on ``day`` and record it as sent that day (registered
        mail with its tracking number by default)."""
        with freeze_time(f"{day} 10:00:00"):
            claim = self.env["debt.claim"]._debt_issue(case.partner_id, case.company_id, case=case)
            vals = {"send_channel": channel, "sent_date": d(day)}
            if channel == "registered_mail":
                vals["tracking_ref"] = "10100012345678"
            claim.write(vals)
        return claim

    @contextmanager
    def _refused(self, exception, pattern):
        """Refused with ``exception``, rolled back, and its message matches ``pattern``."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)


def d(text):
    return date.fromisoformat(text)
