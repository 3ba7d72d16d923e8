"""Collection agencies: agreements, hand-over with its case file, the agency's reports and
collections (payment and commission bill), the recall at the end of the term, and who may
do what."""

import io
import re

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .collection_common import CollectionCommon, d
from .common import shop_user


@tagged("post_install", "-at_install")
class TestAgency(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_agency = cls.env.ref("auto_service_debt.stage_agency")
        cls.agency = cls.env["res.partner"].create({"name": "ООО «Коллект-Сервис»", "is_company": True})
        cls.agreement = cls.env["debt.agency.agreement"].create({
            "name": "15/2026", "partner_id": cls.agency.id, "date": d("2026-01-05"),
            "commission_percent": 12.5, "term_days": 20, "state": "active",
        })
        cls.first = cls._invoice(cls.customer, 10000.0, d("2026-01-10"))
        cls.second = cls._invoice(cls.customer, 5000.55, d("2026-01-20"))


    def _handed_over(self, user=None, day="2026-02-16"):
        """The case at the claim stage, handed over on ``day`` by ``user``: the customer
        was reminded (11 Jan), the claim sent by registered mail (12 Jan) and its 30 days
        have passed (the gate of the agency stage)."""
        self._run(d("2026-01-11"))
        case = self._case(self.customer)
        self._send_claim(case, "2026-01-12")
        self._run(d("2026-02-15"))
        self.assertEqual(case.stage_id, self.stage_claim)
        with freeze_time(f"{day} 10:00:00"):
            self.env["debt.agency.wizard"].with_user(user or self.collector).create({
                "case_id": case.id, "agreement_id": self.agreement.id,
            }).action_hand_over()
        return case

    def _collect(self, case, amount, day, user=None, reference="ПП 101"):
        with freeze_time(f"{day} 11:00:00"):
            return self.env["debt.agency.report"].with_user(user or self.collector).create({
                "case_id": case.id, "kind": "collected", "amount": amount, "date": d(day),
                "reference": reference,
            })

    def _settle(self):
        """The end of the transaction: the settle step of the event path."""
        self.env.cr.flush()

    # ------------------------------------------------------------------ hand-over

    def test_hand_over_links_the_agreement_and_logs_it(self):
        case = self._handed_over()
        self.assertEqual(case.agency_agreement_id, self.agreement)
        self.assertEqual(case.agency_partner_id, self.agency)
        self.assertEqual(case.agency_date, d("2026-02-16"))
        self.assertEqual(case.agency_recall_date, d("2026-03-08"))
        self.assertEqual(case.agency_prev_stage_id, self.stage_claim)
        self.assertEqual(case.stage_id, self.stage_agency)
        self.assertEqual(self.agreement.case_ids, case)
        event = case.history_ids.filtered(lambda h: h.kind == "agency_handover")
        self.assertEqual((event.date, event.agency_agreement_id, event.stage_id), (d("2026-02-16"), self.agreement,
                                                                                     self.env["debt.collection.stage"]))
        message = case.message_ids.filtered(lambda m: "15/2026" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(message.attachment_ids.mimetype,
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        # a second hand-over of the same case is refused
        with self._refused(UserError, case.name):
            case._debt_hand_over(self.agreement, d("2026-02-17"))

    def test_hand_over_needs_an_active_agreement_of_the_company(self):
        self._run(d("2026-02-15"))
        case = self._case(self.customer)
        draft = self.env["debt.agency.agreement"].create({
            "name": "16/2026", "partner_id": self.agency.id, "commission_percent": 10.0,
        })
        with self._refused(UserError, "16/2026 is not active"):
            case._debt_hand_over(draft, d("2026-02-16"))
        other = self.env["res.company"].create({"name": "Other Shop"})
        foreign = self.env["debt.agency.agreement"].create({
            "name": "17/2026", "partner_id": self.agency.id, "company_id": other.id, "state": "active",
        })
        with self._refused(UserError, "agreement of the case's company"):
            case._debt_hand_over(foreign, d("2026-02-16"))
        self.assertFalse(case.agency_agreement_id)

    def test_commission_is_a_percentage(self):
        with self.assertRaises(ValidationError):
            self.agreement.commission_percent = 100.5
        with self.assertRaises(ValidationError):
            self.agreement.term_days = 0

    # ------------------------------------------------------------------ collections

    def test_full_collection_closes_the_case_and_bills_the_commission(self):
        case = self._handed_over()
        report = self._collect(case, 15000.55, "2026-02-20")
        payment = report.payment_id
        self.assertEqual((payment.state, payment.amount, payment.partner_id, payment.payment_type),
                         ("paid", 15000.55, self.customer, "inbound"))
        self.assertEqual(payment.date, d("2026-02-20"))
        self.assertEqual((self.first.payment_state, self.second.payment_state), ("paid", "paid"))
        bill = report.bill_id
        self.assertEqual((bill.move_type, bill.partner_id, bill.state), ("in_invoice", self.agency, "draft"))
        # 15 000.55 × 12.5 % = 1 875.06875
        self.assertEqual(bill.amount_total, 1875.07)
        self.assertEqual(report.commission_amount, 1875.07)
        self.assertEqual(bill.invoice_line_ids.account_id, self.agreement.expense_account_id)
        self.assertEqual(self.agreement.expense_account_id.account_type, "expense")
        self._settle()
        self.assertEqual((case.state, case.close_reason), ("closed", "paid"))
        self.assertEqual(self.agreement.collected_amount, 15000.55)
        self.assertEqual(self.agreement.commission_amount, 1875.07)
        history = case.history_ids.filtered(lambda h: h.kind == "agency_collected")
        self.assertEqual((history.date, history.agency_agreement_id), (d("2026-02-20"), self.agreement))

    def test_partial_collection_leaves_the_case_open(self):
        case = self._handed_over()
        self.agreement.post_bills = True
        report = self._collect(case, 4000.0, "2026-02-20")
        self._settle()
        # the oldest invoice is paid first
        self.assertEqual(self.first.amount_residual, 6000.0)
        self.assertEqual(self.second.amount_residual, 5000.55)
        self.assertEqual(report.bill_id.state, "posted")
        self.assertEqual(report.bill_id.amount_total, 500.0)
        self.assertEqual(case.state, "open")
        with freeze_time("2026-02-20 12:00:00"):
            case.action_refresh()
        self.assertEqual(case.receivable_amount, 11000.55)
        self.assertEqual(case.overdue_amount, 11000.55)
        self.assertEqual(case.agency_collected_amount, 4000.0)
        self.assertEqual(case.agency_agreement_id, self.agreement, "still worked by the agency")

    def test_collected_amount_must_be_positive_and_owed(self):
        case = self._handed_over()
        name = re.escape(case.name)
        with self._refused(ValidationError, f"Case {name}: the amount received must be positive"):
            self._collect(case, 0.0, "2026-02-20")
        with self._refused(ValidationError, f"Case {name}: .*15\\D000\\D56.* is more than"):
            self._collect(case, 15000.56, "2026-02-20")
        self.assertFalse(case.agency_report_ids)
        self.assertEqual(self.first.payment_state, "not_paid")

    def test_progress_report(self):
        case = self._handed_over()
        with freeze_time("2026-02-25 10:00:00"):
            report = self.env["debt.agency.report"].with_user(self.collector).create({
                "case_id": case.id, "note": "Должник обещал оплатить до 10.03",
            })
        self.assertEqual((report.kind, report.agreement_id, report.date), ("progress", self.agreement, d("2026-02-25")))
        self.assertFalse(report.payment_id)
        self.assertTrue(case.message_ids.filtered(lambda m: "Должник обещал" in (m.body or "")))

    # ------------------------------------------------------------------ recall

    def test_recall_at_the_end_of_the_term_once(self):
        case = self._handed_over()
        steps = ("cases", "agency")
        self._run(d("2026-03-07"), steps=steps)
        self.assertEqual((case.agency_agreement_id, case.stage_id), (self.agreement, self.stage_agency))
        self._run(d("2026-03-08"), steps=steps)
        self.assertFalse(case.agency_agreement_id)
        self.assertFalse(case.agency_recall_date)
        self.assertEqual(case.stage_id, self.stage_claim, "back at the shop's own stage")
        self.assertEqual(case.state, "open")
        recall = case.history_ids.filtered(lambda h: h.kind == "agency_recall")
        self.assertEqual((recall.date, recall.agency_agreement_id), (d("2026-03-08"), self.agreement))
        self.assertEqual(len(case.message_ids.filtered(lambda m: "is back with the shop" in (m.body or ""))), 1)
        # the next runs change nothing
        self._run(d("2026-03-08"), steps=steps)
        self._run(d("2026-03-09"), steps=steps)
        self.assertEqual(len(case.history_ids.filtered(lambda h: h.kind == "agency_recall")), 1)
        self.assertEqual(case.stage_id, self.stage_claim)
        self.assertEqual(len(case.message_ids.filtered(lambda m: "is back with the shop" in (m.body or ""))), 1)
        self.assertFalse(self.agreement.case_ids)

    def test_paid_case_is_not_recalled(self):
        case = self._handed_over()
        self._collect(case, 15000.55, "2026-02-20")
        self._settle()
        self._run(d("2026-03-08"), steps=("cases", "agency"))
        self.assertEqual(case.state, "closed")
        self.assertFalse(case.history_ids.filtered(lambda h: h.kind == "agency_recall"))

    def test_manual_recall(self):
        case = self._handed_over()
        with freeze_time("2026-02-25 10:00:00"):
            case.with_user(self.collector).action_debt_agency_recall()
        self.assertFalse(case.agency_agreement_id)
        self.assertEqual(case.stage_id, self.stage_claim)
        recall = case.history_ids.filtered(lambda h: h.kind == "agency_recall")
        self.assertEqual(recall.date, d("2026-02-25"))
        with self._refused(UserError, "None of the cases"):
            case.with_user(self.collector).action_debt_agency_recall()

    # ------------------------------------------------------------------ the case file

    def _sheet(self, case, user, lang="en_US"):
        with freeze_time("2026-03-01 10:00:00"):
            content = case.with_user(user).with_context(lang=lang)._debt_export_xlsx()
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def _file_case(self):
        """A case with 69 680.25 overdue under art. 395 interest (provisional: rates known
        up to 10.02.2026) and 12 345.67 not yet due."""
        self.company.debt_penalty_policy_id = self.env.ref("auto_service_debt.debt_penalty_policy_key_rate")
        self.company.debt_key_rate_known_until = d("2026-02-10")
        customer = self._customer("ООО «Должник»", "dolzhnik@example.com", company_registry="1027700132195",
                                  debt_kpp="770101001", vat="7701234567")
        bank = self.env["res.bank"].create({"name": "ПАО Сбербанк", "bic": "044525225"})
        self.env["res.partner.bank"].create({
            "partner_id": customer.id, "acc_number": "40702810900000000001", "bank_id": bank.id,
        })
        old = self._invoice(customer, 50000.0, d("2026-01-10"))
        self._invoice(customer, 19680.25, d("2026-01-25"))
        later = self._invoice(customer, 12345.67, d("2026-03-20"), invoice_date=d("2026-02-20"))
        day = d("2026-03-01")  # a real date, not freezegun's (the penalties' fingerprint)
        with freeze_time("2026-03-01 09:00:00"):
            self._run(day, steps=("penalties", "cases"))
        case = self._case(customer)
        penalties = self.env["debt.penalty"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(penalties), 2)
        self.assertTrue(all(penalties.mapped("provisional")))
        self.assertEqual(set(penalties.mapped("kind")), {"key_rate"})
        return case, old, later, round(sum(penalties.mapped("amount_open")), 2)

    def test_case_file_totals_only_overdue_items(self):
        case, old, later, interest = self._file_case()
        self.assertGreater(interest, 0)
        rows = self._sheet(case, self.collector)
        header = {row[0]: row[1] for row in rows if row and row[0] and len(row) > 1 and row[1] is not None}
        self.assertEqual(header["OGRN"], "1027700132195")
        self.assertEqual(header["KPP"], "770101001")
        self.assertEqual(header["Bank Account"], "40702810900000000001 ПАО Сбербанк BIC 044525225")
        columns = next(row for row in rows if row[0] == "Invoice")
        self.assertEqual(columns[7], "Interest (art. 395 Civil Code)")
        total = next(row for row in rows if row[0] == "Total")
        self.assertEqual(total[4:8], [69680.25, 0.0, 69680.25, interest])
        claimed = next(row for row in rows if row[0] == "Total Claimed")
        self.assertEqual(claimed[6], round(69680.25 + interest, 2))
        self.assertNotIn(82025.92, [cell for row in rows for cell in row])
        note = next(row[0] for row in rows if row[0] and str(row[0]).startswith("Provisional"))
        self.assertIn("key rates known up to 10.02.2026", note)
        # the invoice not yet due is listed apart, after the claimed total
        names = [row[0] for row in rows]
        self.assertLess(names.index(old.name), names.index("Total"))
        self.assertGreater(names.index(later.name), names.index("Total Claimed"))
        self.assertEqual(next(row for row in rows if row[0] == "Total not yet due")[6], 12345.67)

    def test_case_file_in_russian_for_a_shop_bookkeeper(self):
        case, _old, _later, interest = self._file_case()
        bookkeeper = shop_user(self.env, "bookkeeper")
        # the shipped Russian translation, as a Russian bookkeeper reads it
        rows = self._sheet(case, bookkeeper, lang=bookkeeper.lang)
        header = {row[0]: row[1] for row in rows if row and row[0] and len(row) > 1}
        self.assertEqual(header["ОГРН"], "1027700132195")
        self.assertEqual(header["КПП"], "770101001")
        columns = next(row for row in rows if row[1] and row[4] and row[7] and "395" in str(row[7]))
        self.assertEqual(columns[7], "Проценты по ст. 395 ГК РФ")
        total = next(row for row in rows if row[0] == "Итого")
        self.assertEqual(total[6:8], [69680.25, interest])

    # ------------------------------------------------------------------ a shop's roles

    def test_shop_bookkeeper_hands_over_and_records_a_collection(self):
        bookkeeper = shop_user(self.env, "bookkeeper")
        case = self._handed_over(user=bookkeeper)
        self.assertEqual(case.agency_agreement_id, self.agreement)
        report = self._collect(case, 10000.0, "2026-02-20", user=bookkeeper)
        self.assertEqual(report.create_uid, bookkeeper)
        self.assertEqual(report.bill_id.amount_total, 1250.0)
        self.assertEqual(self.first.payment_state, "paid")
        self._settle()
        self.assertEqual(case.state, "open")

    # ------------------------------------------------------------------ security

    def test_viewer_cannot_hand_over_collect_or_write_agreements(self):
        case = self._handed_over()
        with self.assertRaises(AccessError):
            self.env["debt.agency.wizard"].with_user(self.viewer).create({
                "case_id": case.id, "agreement_id": self.agreement.id,
            })
        with self.assertRaises(AccessError):
            self._collect(case, 100.0, "2026-02-20", user=self.viewer)
        with self.assertRaises(AccessError):
            self.agreement.with_user(self.viewer).write({"commission_percent": 1.0})
        with self.assertRaises(AccessError):
            case.with_user(self.viewer).write({"agency_agreement_id": False})
        with self.assertRaises(AccessError):
            case.with_user(self.viewer).action_debt_agency_recall()
        # a collector works the cases but does not change the agreement's terms
        with self.assertRaises(AccessError):
            self.agreement.with_user(self.collector).write({"commission_percent": 1.0})
        self.assertEqual(self.agreement.commission_percent, 12.5)
        self.assertEqual(case.agency_agreement_id, self.agreement)
        self.assertFalse(case.agency_report_ids)

    def test_other_company_does_not_see_the_agreement(self):
        other = self.env["res.company"].create({"name": "Other Shop"})
        outsider = self.env["res.users"].create({
            "name": "Other Manager", "login": "agency_other_manager",
            "company_id": other.id, "company_ids": [Command.set(other.ids)],
            "groups_id": [Command.set([self.env.ref("base.group_user").id,
                                       self.env.ref("auto_service_debt.group_debt_manager").id])],
        })
        Agreement = self.env["debt.agency.agreement"].with_user(outsider)
        self.assertFalse(Agreement.search([("id", "=", self.agreement.id)]))
        with self.assertRaises(AccessError):
            Agreement.browse(self.agreement.id).read(["name"])
