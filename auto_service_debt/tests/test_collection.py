import io
from unittest.mock import patch

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .collection_common import CollectionCommon, d


@tagged("post_install", "-at_install")
class TestCollectionWorkflow(CollectionCommon):
    def test_walk_through_stages_to_claim(self):
        """From the first overdue day to the claim letter: each entry sends exactly the
        expected e-mails and activities, a repeated run nothing."""
        invoice = self._invoice(self.customer, 1000.0, d("2026-01-10"))
        self.company.debt_upcoming_days = 0
        # The responsible (the invoice's salesperson) reads the activities in English.
        self.env.user.lang = "en_US"
        self._run(d("2026-01-10"))
        self.assertFalse(self._case(self.customer), "not overdue on the due date")

        expected = [
            # day, stage, mails so far, activities so far
            ("2026-01-11", self.stage_reminder, 1, 0),
            ("2026-01-15", self.stage_reminder, 1, 0),
            ("2026-01-20", self.stage_second, 2, 1),
            ("2026-01-30", self.stage_final, 3, 1),
            ("2026-02-09", self.stage_claim, 3, 2),
        ]
        for day, stage, mails, activities in expected:
            with freeze_time(f"{day} 09:00:00"):
                self._run(d(day))
                self._run(d(day))  # the second identical run sends nothing
                case = self._case(self.customer)
                self.assertEqual(case.stage_id, stage, day)
                self.assertEqual(len(self._mails(case)), mails, day)
                self.assertEqual(len(self._activities(case)), activities, day)
        case = self._case(self.customer)
        mails = self._mails(case)
        templates = ["payment reminder", "second payment reminder", "final notice"]
        for mail, words in zip(mails, templates, strict=False):
            self.assertIn(words, mail.subject)
            self.assertEqual(mail.recipient_ids, self.customer)
            self.assertIn(invoice.name, mail.body_html)
            self.assertRegex(mail.body_html, r"1\W?000[.,]00")
        activities = self._activities(case)
        self.assertEqual(activities[0].activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activities[1].summary, "Print the claim letter and send it by registered mail")
        self.assertEqual(case.history_ids.stage_id, self.stage_reminder | self.stage_second | self.stage_final | self.stage_claim)
        self.assertEqual(case.overdue_amount, 1000.0)
        self.assertEqual(case.overdue_days, 30)
        self.assertTrue(case.block_service)
        [evaluation] = self.env["res.partner"]._debt_evaluate(
            self.company, [(self.customer, 0.0, None)], d("2026-02-09")
        )
        self.assertIn(f"Collection case {case.name} is at the stage", "\n".join(evaluation["messages"]))
        logs = self.env["debt.dunning.log"].search([("case_id", "=", case.id)])
        self.assertEqual(len(logs), 3)
        self.assertEqual(logs.mail_id, mails)
        # The step itself is idempotent even without the run's progress record.
        self.Case._debt_daily_collect(self.customer, self.company, d("2026-02-09"))
        self.assertEqual(len(self._mails(case)), 3)
        self.assertEqual(len(self._activities(case)), 2)

    def test_one_open_case_per_customer(self):
        self._invoice(self.customer, 500.0, d("2026-01-10"))
        self._run(d("2026-01-12"))
        case = self._case(self.customer)
        self.assertEqual(case.state, "open")
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.Case.create({"partner_id": self.customer.id, "company_id": self.company.id})

    def test_promise_pauses_then_broken_escalates(self):
        self._invoice(self.customer, 800.0, d("2026-01-10"))
        self._run(d("2026-01-11"))
        case = self._case(self.customer)
        with freeze_time("2026-01-12 10:00:00"):
            self.env["debt.promise.wizard"].with_user(self.collector).with_context(
                active_model="debt.collection.case", active_id=case.id
            ).create({"date": d("2026-01-25"), "amount": 800.0}).action_record()
        self.assertEqual(case.promise_date, d("2026-01-25"))
        for day in ("2026-01-20", "2026-01-25"):
            self._run(d(day))
            self.assertEqual(case.stage_id, self.stage_reminder, f"paused on {day}")
        self._run(d("2026-01-26"))
        promise = case.promise_ids
        self.assertEqual(promise.state, "broken")
        self.assertEqual(case.broken_promise_count, 1)
        self.assertFalse(case.promise_date)
        self.assertEqual(case.stage_id, self.stage_second)
        self.assertTrue(any("Broken promise" in m.body for m in case.message_ids))

    def test_kept_promise_does_not_escalate_early(self):
        invoice = self._invoice(self.customer, 800.0, d("2026-01-10"))
        self._invoice(self.customer, 300.0, d("2026-01-10"))
        self._run(d("2026-01-11"))
        case = self._case(self.customer)
        with freeze_time("2026-01-12 10:00:00"):
            self.env["debt.collection.promise"].create({"case_id": case.id, "date": d("2026-01-14"), "amount": 800.0})
        self._pay(invoice, on=d("2026-01-13"))
        self._run(d("2026-01-15"))
        self.assertEqual(case.promise_ids.state, "kept")
        self.assertEqual(case.stage_id, self.stage_reminder)

    def test_dispute_pauses_only_disputed_invoice(self):
        disputed = self._invoice(self.customer, 1000.0, d("2026-01-10"))
        other = self._invoice(self.customer, 700.0, d("2026-01-10"))
        self._run(d("2026-01-11"))
        case = self._case(self.customer)
        self.assertIn(disputed.name, self._mails(case).body_html)
        self.env["debt.dispute.wizard"].with_user(self.collector).create({
            "case_id": case.id, "reason": "Brake pads squeak after the repair",
            "move_ids": [(6, 0, disputed.ids)],
        }).action_open()
        self.assertTrue(disputed.debt_disputed)
        self.assertEqual(case.disputed_move_ids, disputed)
        self._run(d("2026-01-20"))
        mail = self._mails(case)[-1]
        self.assertIn("second payment reminder", mail.subject)
        self.assertIn(other.name, mail.body_html)
        self.assertNotIn(disputed.name, mail.body_html)
        self.assertRegex(mail.body_html, r"700[.,]00")
        logs = self.env["debt.dunning.log"].search([("case_id", "=", case.id), ("stage_id", "=", self.stage_second.id)])
        self.assertEqual(logs.move_id, other)
        # Only the disputed invoice left: no escalation, no dunning.
        self._pay(other, on=d("2026-01-21"))
        self.assertEqual(case.state, "open", "the disputed invoice is still overdue")
        self._run(d("2026-01-30"))
        self.assertEqual(case.stage_id, self.stage_second)
        self.assertEqual(case.dunnable_amount, 0.0)
        self.assertEqual(case.overdue_amount, 1000.0)
        case.dispute_ids.action_resolve()
        self.assertFalse(disputed.debt_disputed)
        self._run(d("2026-01-31"))
        self.assertEqual(case.stage_id, self.stage_final)

    def test_payment_closes_case_at_once(self):
        invoice = self._invoice(self.customer, 1500.0, d("2026-01-10"))
        self._run(d("2026-01-12"))
        case = self._case(self.customer)
        self._pay(invoice, amount=500.0, on=d("2026-01-13"))
        self.env.cr.flush()  # the end of the request that registers the payment
        self.assertEqual(case.state, "open", "a partial payment leaves the case open")
        self._pay(invoice, amount=1000.0, on=d("2026-01-14"))
        self.assertEqual(case.state, "open", "cases settle once, at the end of the transaction")
        self.env.cr.flush()
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, "paid")
        self.assertFalse(case.block_service)

    def test_write_off(self):
        invoice = self._invoice(self.customer, 1234.56, d("2026-01-10"))
        self._pay(invoice, amount=234.56, on=d("2026-01-11"))
        self._run(d("2026-01-12"))
        case = self._case(self.customer)
        account = self.company_data["default_account_expense"]
        values = {"case_id": case.id, "reason": "Customer went bankrupt", "account_id": account.id}
        with self.assertRaises(AccessError):
            self.env["debt.write.off.wizard"].with_user(self.collector).create(values)
        wizard = self.env["debt.write.off.wizard"].with_user(self.manager).create(values)
        self.assertEqual(wizard.amount, 1000.0)
        action = wizard.action_write_off()
        move = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(move.state, "posted")
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(invoice.payment_state, "paid")
        expense = move.line_ids.filtered(lambda l: l.account_id == account)
        self.assertEqual(expense.debit, 1000.0)
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.close_reason, "written_off")
        self.assertEqual(case.write_off_move_id, move)

    def test_agency_export_xlsx(self):
        first = self._invoice(self.customer, 1000.0, d("2026-01-10"))
        second = self._invoice(self.customer, 2500.5, d("2026-01-20"))
        self._pay(second, amount=500.5, on=d("2026-01-21"))
        self.customer.write({"phone": "+7 900 000-00-00", "street": "Lenina 1", "city": "Kazan"})
        # the agency stage needs a claim sent whose 30 days have passed
        self._run(d("2026-01-11"))
        case = self._case(self.customer)
        self._send_claim(case, "2026-01-11", channel="hand")
        self._run(d("2026-02-01"))
        agency = self.env["res.partner"].create({"name": "Collect & Co", "is_company": True})
        agreement = self.env["debt.agency.agreement"].create({
            "name": "A-1", "partner_id": agency.id, "commission_percent": 25.0, "state": "active",
        })
        with freeze_time("2026-02-11 10:00:00"):
            action = self.env["debt.agency.wizard"].with_user(self.collector).create({
                "case_id": case.id, "agreement_id": agreement.id,
            }).action_hand_over()
        self.assertEqual(case.agency_partner_id, agency)
        self.assertEqual(case.agency_commission, 25.0)
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        sheet = book.active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        header = {row[0]: row[1] for row in rows if row and row[0] and len(row) > 1}
        self.assertEqual(header["Customer"], "Garage Client LLC")
        self.assertEqual(header["Phone"], "+7 900 000-00-00")
        self.assertEqual(header["E-mail"], "client@example.com")
        self.assertIn("Kazan", header["Address"])
        self.assertEqual(header["Collection Agency"], "Collect & Co")
        items = {row[0]: row for row in rows if row[0] in (first.name, second.name)}
        self.assertEqual(len(items), 2)
        self.assertEqual(list(items[first.name][4:7]), [1000.0, 0.0, 1000.0])
        self.assertEqual(list(items[second.name][4:7]), [2500.5, 500.5, 2000.0])
        self.assertEqual(items[first.name][3], 32)
        self.assertEqual(items[first.name][2].date(), d("2026-01-10"))
        total = next(row for row in rows if row[0] == "Total")
        self.assertEqual(list(total[4:7]), [3500.5, 500.5, 3000.0])
        claimed = next(row for row in rows if row[0] == "Total Claimed")
        self.assertEqual(claimed[6], 3000.0 + total[7])

    def test_crash_after_first_batch_sends_each_mail_once(self):
        other = self._customer("Second Client LLC", "second@example.com")
        self._invoice(self.customer, 100.0, d("2026-01-10"))
        self._invoice(other, 200.0, d("2026-01-10"))
        self.company.debt_batch_size = 1
        Case = type(self.Case)
        original = Case._debt_daily_collect
        second = max(self.customer, other, key=lambda p: p.id)

        def crashing(model, partners, company, today):
            if second in partners:
                raise RuntimeError("server killed")
            return original(model, partners, company, today)

        self.env["debt.daily.run.state"].sudo().search([]).unlink()
        # Not assertRaises: it would roll back to a savepoint, while the real crash keeps
        # the batches committed before it.
        crashed = False
        with patch.object(Case, "_debt_daily_collect", crashing):
            try:
                self.env["debt.daily.run"]._run(companies=self.company, today=d("2026-01-11"), steps=["cases"])
            except RuntimeError:
                crashed = True
        self.assertTrue(crashed)
        self.env.invalidate_all()
        first = min(self.customer, other, key=lambda p: p.id)
        self.assertTrue(self._case(first))
        self.assertFalse(self._case(second), "the crashed batch left nothing behind")
        # Resume, then even a full rerun from scratch: one mail per item and stage.
        self.env["debt.daily.run"]._run(companies=self.company, today=d("2026-01-11"), steps=["cases"])
        self._run(d("2026-01-11"))
        for partner in (self.customer, other):
            case = self._case(partner)
            self.assertEqual(len(self._mails(case)), 1, partner.name)
            logs = self.env["debt.dunning.log"].search([("partner_id", "=", partner.id), ("kind", "=", "stage")])
            self.assertEqual(len(logs), 1)

    def test_manual_reminder_and_stage_move(self):
        self._invoice(self.customer, 400.0, d("2026-01-10"))
        self._run(d("2026-01-11"))
        case = self._case(self.customer)
        with freeze_time("2026-01-12 10:00:00"):
            self.env["debt.send.reminder.wizard"].with_user(self.collector).with_context(
                active_model="debt.collection.case", active_ids=case.ids
            ).create({}).action_send()
        self.assertEqual(len(self._mails(case)), 2)
        # A collector moving the case by hand gets the entry actions of the stage once.
        case.with_user(self.collector).stage_id = self.stage_second
        self.assertEqual(len(self._mails(case)), 3)
        self.assertEqual(len(self._activities(case)), 1)
        case.with_user(self.collector).stage_id = self.stage_reminder
        case.with_user(self.collector).stage_id = self.stage_second
        self.assertEqual(len(self._mails(case)), 3)

    def test_access_rights(self):
        self._invoice(self.customer, 400.0, d("2026-01-10"))
        self._run(d("2026-01-11"))
        case = self._case(self.customer)
        self.assertEqual(case.with_user(self.viewer).stage_id, self.stage_reminder)
        with self.assertRaises(AccessError):
            case.with_user(self.viewer).write({"next_action": "Call"})
        with self.assertRaises(AccessError):
            self.stage_reminder.with_user(self.collector).write({"days_overdue": 3})
        with self.assertRaises(AccessError):
            self.env["debt.promise.wizard"].with_user(self.viewer).create(
                {"case_id": case.id, "date": d("2030-01-01"), "amount": 1.0})
        with self.assertRaises(UserError):
            self.env["debt.promise.wizard"].with_user(self.collector).create(
                {"case_id": case.id, "date": d("2030-01-01"), "amount": -5.0}).action_record()

    def test_run_opens_cases_with_their_chatter_in_bulk(self):
        """The cases a run opens have the chatter of a case created by hand: the creation
        note, the responsible following; the responsible gets no "assigned to you" e-mail
        per case nor per activity (one collector may get thousands on a first day)."""
        self.company.write({"debt_upcoming_days": 0, "debt_collector_id": self.collector.id})
        customers = [self._customer(f"Bulk Client {i}", f"bulk{i}@example.com") for i in range(3)]
        for customer in customers:
            self._invoice(customer, 700.0, d("2026-01-01"))
        before = self.env["mail.mail"].search([]).ids
        with freeze_time("2026-01-20 09:00:00"):
            self._run(d("2026-01-20"))
        cases = self.Case.search([("partner_id", "in", [c.id for c in customers])])
        self.assertEqual(len(cases), 3)
        for case in cases:
            self.assertEqual(case.user_id, self.collector)
            self.assertIn(self.collector.partner_id, case.message_partner_ids)
            notes = case.message_ids.filtered(lambda m: m.message_type == "notification")
            # in one language, the model's name included
            note = case.with_context(lang=self.env.lang or self.env.user.lang)._creation_message()
            self.assertIn(str(note), " ".join(notes.mapped("body")), case.name)
            self.assertEqual(case.stage_id, self.stage_second)
            self.assertEqual(len(self._activities(case)), 1, "the second reminder's call activity")
        new_mails = self.env["mail.mail"].search([("id", "not in", before)])
        # one reminder per customer, nothing for the collector
        self.assertEqual(sorted(new_mails.mapped("recipient_ids.email")),
                         sorted(c.email for c in customers))
        self.assertFalse(self.env["mail.message"].search([
            ("model", "=", self.Case._name), ("res_id", "in", cases.ids),
            ("message_type", "=", "user_notification"),
        ]))
        # as mail.thread's create: the responsible and the user of the run follow
        self.assertEqual(cases[0].message_partner_ids,
                         self.collector.partner_id | self.env.user.partner_id)
