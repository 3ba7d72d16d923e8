from freezegun import freeze_time

from odoo.tests import tagged

from .collection_common import CollectionCommon, d


@tagged("post_install", "-at_install")
class TestDunning(CollectionCommon):
    def _upcoming_mails(self, partner):
        return self._mails(partner)

    def test_upcoming_reminder_exactly_once_three_days_before(self):
        invoice = self._invoice(self.customer, 900.0, d("2026-03-10"), invoice_date=d("2026-03-01"))
        for day, count in (("2026-03-05", 0), ("2026-03-06", 0), ("2026-03-07", 1), ("2026-03-08", 1),
                           ("2026-03-09", 1), ("2026-03-10", 1)):
            with freeze_time(f"{day} 10:00:00"):
                self._run(d(day))
            mails = self._upcoming_mails(self.customer)
            self.assertEqual(len(mails), count, day)
        self.assertIn("payment due soon", mails.subject)
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertIn(invoice.name, mails.body_html)
        self.assertRegex(mails.body_html, r"900[.,]00")
        log = self.env["debt.dunning.log"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((log.kind, log.channel, log.move_line_id.move_id, log.mail_id), ("upcoming", "email", invoice, mails))
        self.assertFalse(self._case(self.customer), "not overdue, no case")

    def test_customer_without_email_gets_activity(self):
        salesman = self.collector
        salesman.lang = "en_US"  # the activity is written in the salesman's language
        partner = self._customer("No Mail Client LLC", email=False)
        partner.user_id = salesman
        self._invoice(partner, 450.0, d("2026-03-10"))
        with freeze_time("2026-03-07 10:00:00"):
            self._run(d("2026-03-07"))
            self._run(d("2026-03-07"))
        self.assertFalse(self._upcoming_mails(partner))
        activity = self._activities(partner)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, salesman)
        self.assertIn("no e-mail", activity.summary)
        self.assertRegex(activity.note, r"450[.,]00")
        # The stage reminder of the case also becomes an activity for the responsible.
        with freeze_time("2026-03-11 10:00:00"):
            self._run(d("2026-03-11"))
        case = self._case(partner)
        self.assertEqual(case.stage_id, self.stage_reminder)
        self.assertEqual(case.user_id, salesman)
        self.assertFalse(self._mails(case))
        self.assertEqual(len(self._activities(case)), 1)

    def test_upcoming_window_catches_late_issued_invoice_once(self):
        invoice = self._invoice(self.customer, 300.0, d("2026-03-10"), invoice_date=d("2026-03-09"))
        self._run(d("2026-03-09"))
        self._run(d("2026-03-10"))
        self.assertEqual(len(self._upcoming_mails(self.customer)), 1)
        self.assertIn(invoice.name, self._upcoming_mails(self.customer).body_html)

    def test_items_in_plan_or_paid_are_not_reminded(self):
        invoice = self._invoice(self.customer, 300.0, d("2026-03-10"))
        invoice.debt_in_plan = True
        self._run(d("2026-03-07"))
        self._run(d("2026-03-12"))
        self.assertFalse(self._upcoming_mails(self.customer))
        self.assertFalse(self._case(self.customer))

    def test_reminder_in_russian(self):
        partner = self._customer("ООО «Клиент»", "klient@example.com", lang="ru_RU")
        invoice = self._invoice(partner, 1000.0, d("2026-01-10"))
        with freeze_time("2026-01-11 10:00:00"):
            self._run(d("2026-01-11"))
        mail = self._mails(self._case(partner))
        self.assertEqual(len(mail), 1)
        self.assertIn("напоминание об оплате", mail.subject)
        self.assertIn("Итого к оплате", mail.body_html)
        self.assertIn(invoice.name, mail.body_html)

    def test_late_installment_reminded_once(self):
        invoice = self._invoice(self.customer, 3000.0, d("2026-01-10"))
        with freeze_time("2026-01-12 10:00:00"):
            wizard = self.env["debt.installment.plan.wizard"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"installment_count": 3, "interval": "months", "first_due_date": d("2026-01-31")})
            plan = self.env["debt.installment.plan"].browse(wizard.action_create_plan()["res_id"])
            plan.action_confirm()
        self.assertTrue(invoice.debt_in_plan)
        for day in ("2026-01-31", "2026-02-01", "2026-02-02"):
            with freeze_time(f"{day} 10:00:00"):
                self._run(d(day))
        mails = self._mails(self.customer).filtered(lambda m: "installment" in m.subject)
        self.assertEqual(len(mails), 1)
        self.assertRegex(mails.body_html, r"1\W?000[.,]00")
        log = self.env["debt.dunning.log"].search([("kind", "=", "installment"), ("partner_id", "=", self.customer.id)])
        self.assertEqual(log.installment_line_ref, plan.line_ids.sorted("due_date")[0].id)
        self.assertFalse(self._case(self.customer), "an invoice in a plan on time is not dunned")
