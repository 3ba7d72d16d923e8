"""The notes and e-mails a run writes in bulk are the rows Odoo's own methods write."""

import copy

from freezegun import freeze_time

from odoo import Command, models
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools.bulk import insert_rows
from .collection_common import CollectionCommon, d

#: Columns that differ between any two messages (identity, time, generated ids).
VOLATILE = {"id", "message_id", "create_date", "write_date", "date", "mail_message_id"}


@tagged("post_install", "-at_install")
class TestBulkChatter(CollectionCommon):
    def _row(self, table, rid):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT * FROM {table} WHERE id = %s", [rid])  # noqa: SQL table is a literal
        return {k: v for k, v in self.env.cr.dictfetchone().items() if k not in VOLATILE}

    def _rel(self, table, column, rid):
        self.env.cr.execute(f"SELECT res_partner_id FROM {table} WHERE {column} = %s", [rid])  # noqa: SQL
        return sorted(row[0] for row in self.env.cr.fetchall())

    def test_notes_are_the_rows_of_message_log_batch(self):
        cases = self.Case.create([
            {"partner_id": self._customer(f"Note Client {i}", f"note{i}@example.com").id,
             "company_id": self.company.id}
            for i in range(3)
        ])
        bodies = {cases[0].id: "Paid: <b>all</b> items", cases[1].id: "Paid: <b>all</b> items",
                  cases[2].id: "Closed & archived"}
        ours = cases._debt_log_batch(bodies)
        odoo = cases._message_log_batch(bodies=bodies)
        self.assertEqual(len(ours), 3)
        for mine, theirs in zip(ours.sorted("res_id"), odoo.sorted("res_id"), strict=True):
            self.assertEqual(self._row("mail_message", mine.id), self._row("mail_message", theirs.id))
        self.assertEqual(ours.sorted("res_id").mapped("body"), odoo.sorted("res_id").mapped("body"))
        # the text is escaped, as Odoo escapes it; and it shows in the chatter at once
        self.assertIn("&lt;b&gt;all&lt;/b&gt;", str(ours.filtered(lambda m: m.res_id == cases[0].id).body))
        self.assertIn(ours.filtered(lambda m: m.res_id == cases[2].id), cases[2].message_ids)

    def test_run_mails_are_the_rows_of_send_mail_batch(self):
        """A reminder of the run and the same reminder made by ``send_mail_batch`` on the
        same data: the same message, mail and recipients, column by column."""
        self.company.debt_upcoming_days = 0
        customer = self._customer("Bulk Mail Client", "bulk.mail@example.com", lang="ru_RU")
        self._invoice(customer, 1234.56, d("2026-01-01"))
        with freeze_time("2026-01-20 09:00:00"):
            self._run(d("2026-01-20"))
            case = self._case(customer)
            mail = self._mails(case)
            self.assertEqual(len(mail), 1)
            log = self.env["debt.dunning.log"].search([("mail_id", "=", mail.id)])
            self.assertTrue(log)
            # the same group again, through Odoo's own creation of template mails
            lines = self.env["debt.position"]._debt_due_lines([customer.id], self.company, d("2026-01-20"))
            self.Case._debt_add_penalties(lines)
            group = {
                "record": case, "partner": customer, "company": self.company, "case": case,
                "stage": case.stage_id, "user": case.user_id, "kind": "stage",
                "lines": self.Case._debt_dunnable(lines[customer.id], d("2026-01-20")),
            }
            data = {case.id: self.Case._debt_mail_data(group)}
            self.Case._debt_mail_payment([group], data)
            template = case.stage_id.mail_template_id.sudo().with_context(debt_mail=data)
            theirs = template.send_mail_batch(case.ids)
            theirs.write({"scheduled_date": mail.scheduled_date})
        self.assertEqual(self._row("mail_mail", mail.id), self._row("mail_mail", theirs.id))
        self.assertEqual(self._row("mail_message", mail.mail_message_id.id),
                         self._row("mail_message", theirs.mail_message_id.id))
        self.assertEqual(self._rel("mail_mail_res_partner_rel", "mail_mail_id", mail.id),
                         self._rel("mail_mail_res_partner_rel", "mail_mail_id", theirs.id))
        self.assertEqual(self._rel("mail_message_res_partner_rel", "mail_message_id", mail.mail_message_id.id),
                         [customer.id])
        self.assertEqual(self._rel("mail_message_res_partner_rel", "mail_message_id", theirs.mail_message_id.id),
                         [customer.id])
        self.assertIn("1\xa0234,56", mail.body_html)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(mail.mail_message_id, case.message_ids)

    def test_run_cases_are_the_rows_of_create(self):
        """A case the run inserts and one made by ``create``: the same row, defaults and
        computed columns included; a second open case is refused as by ``create``."""
        first, second = (self._customer(f"Row Client {i}", f"row{i}@example.com") for i in range(2))
        for customer in (first, second):
            self._invoice(customer, 700.0, d("2026-01-01"))
        vals = {"company_id": self.company.id, "stage_id": self.stage_second.id, "block_service": True,
                "open_date": d("2026-01-20"), "user_id": self.collector.id, "overdue_amount": 700.0,
                "receivable_amount": 900.0, "dunnable_amount": 700.0, "overdue_days": 19,
                "oldest_due_date": d("2026-01-01")}
        ours = self.Case._debt_insert_cases([dict(vals, partner_id=first.id)])
        theirs = self.Case.with_context(tracking_disable=True, debt_no_entry_actions=True).create(
            [dict(vals, partner_id=second.id)]
        )
        skip = {"partner_id", "name", "access_token"}
        mine = {k: v for k, v in self._row("debt_collection_case", ours.id).items() if k not in skip}
        other = {k: v for k, v in self._row("debt_collection_case", theirs.id).items() if k not in skip}
        self.assertEqual(mine, other)
        self.assertNotEqual(ours.name, "/")
        self.assertNotEqual(ours.name, theirs.name)
        self.assertTrue(ours.blocks_customer)
        # the customers' stored block flags follow, as after create()
        with freeze_time("2026-01-20 09:00:00"):
            self.env.cr.flush()
        self.assertEqual(ours.state, "open")
        self.assertTrue(first.with_company(self.company).debt_blocked)
        self.assertTrue(second.with_company(self.company).debt_blocked)
        with self.assertRaisesRegex(ValidationError, "already has the open collection case"):
            self.Case._debt_insert_cases([dict(vals, partner_id=first.id)])

    @freeze_time("2026-02-15 09:00:00")
    def test_precomputed_values_are_odoos_for_a_batch(self):
        """Many new cases at once: the precomputed columns (promise, claim, agency, court)
        are those Odoo's own precomputation gives each, whether the case comes with a
        promise or a court step or with nothing yet."""
        partners = [self._customer(f"Pre Client {i}", f"pre{i}@example.com") for i in range(5)]
        base = {"company_id": self.company.id, "stage_id": self.stage_second.id}
        vals_list = [dict(base, partner_id=partner.id) for partner in partners]
        vals_list[1]["court_event_ids"] = [Command.create({
            "kind": "filing", "date": d("2026-02-01"), "court_name": "Арбитражный суд г. Москвы",
            "court_case_number": "А40-1/2026", "court_fee": 4000.0, "company_id": self.company.id,
        })]
        vals_list[3]["promise_ids"] = [Command.create({"date": d("2026-03-01"), "amount": 250.0})]
        ours = self.Case._prepare_create_values(copy.deepcopy(vals_list))
        Case = self.Case
        theirs = [Case._add_missing_default_values(vals) for vals in copy.deepcopy(vals_list)]
        models.BaseModel._add_precomputed_values(Case, theirs)
        names = [field.name for field in Case._fields.values() if field.precompute]
        self.assertGreater(len(names), 10)
        for mine, other in zip(ours, theirs, strict=True):
            self.assertEqual({n: mine[n] for n in names}, {n: other[n] for n in names})
            self.assertEqual(mine["__precomputed__"], other["__precomputed__"])
        self.assertEqual(ours[1]["court_name"], "Арбитражный суд г. Москвы")
        self.assertEqual(ours[1]["court_fee"], 4000.0)
        self.assertEqual(ours[3]["promise_amount"], 250.0)
        self.assertFalse(ours[0]["court_name"] or ours[2]["promise_date"] or ours[4]["claim_deadline"])
        # and as created (a court filing needs an issued claim: not created here), the
        # cases show them
        created = [vals_list[i] for i in (0, 2, 3, 4)]
        cases = self.Case.with_context(tracking_disable=True, debt_no_entry_actions=True).create(created)
        self.assertEqual(cases.mapped("promise_date"), [False, False, d("2026-03-01"), False])
        self.assertEqual(cases.mapped("promise_amount"), [0.0, 0.0, 250.0, 0.0])

    def test_bulk_followers_are_those_of_insert_followers(self):
        """The responsible and a customer contact subscribed in bulk: the followers and
        subtypes Odoo's ``_insert_followers`` gives, existing subscriptions kept."""
        cases = self.Case.with_context(tracking_disable=True, debt_no_entry_actions=True).create([
            {"partner_id": self._customer(f"Fol Client {i}").id, "company_id": self.company.id}
            for i in range(4)
        ])
        ours, theirs = cases[:2], cases[2:]
        contact = self._customer("Fol Contact", "fol.contact@example.com")  # no user: external
        partners = [self.collector.partner_id.id, contact.id]
        Followers = self.env["mail.followers"].sudo()
        Followers._debt_insert_followers(self.Case._name, ours.ids, partners)
        Followers._insert_followers(self.Case._name, theirs.ids, partners, check_existing=True)

        def subscriptions(case):
            return sorted(
                (f.partner_id.id, tuple(sorted(f.subtype_ids.ids))) for f in case.message_follower_ids
            )

        for mine, other in zip(ours, theirs, strict=True):
            self.assertEqual(subscriptions(mine), subscriptions(other))
            self.assertIn(self.collector.partner_id, mine.message_partner_ids)
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(self.Case._name)
        self.assertEqual(dict(subscriptions(ours[0])), {
            self.collector.partner_id.id: tuple(sorted(default.ids)),
            contact.id: tuple(sorted(external.ids)),
        })
        # a second subscription changes nothing and breaks nothing
        before = Followers.search_count([("res_model", "=", self.Case._name), ("res_id", "in", ours.ids)])
        self.assertFalse(Followers._debt_insert_followers(self.Case._name, ours.ids, partners))
        after = Followers.search_count([("res_model", "=", self.Case._name), ("res_id", "in", ours.ids)])
        self.assertEqual(before, after)

    def test_bulk_history_rows_round_as_create(self):
        """Stage-history rows inserted in bulk (their currency comes through the case):
        the amounts rounded in that currency, as ``create`` stores them."""
        cases = self.Case.with_context(tracking_disable=True, debt_no_entry_actions=True).create([
            {"partner_id": self._customer(f"Hist Client {i}").id, "company_id": self.company.id}
            for i in range(3)
        ])
        History = self.env["debt.collection.case.history"].sudo()
        row = {"company_id": self.company.id, "stage_id": self.stage_second.id,
               "date": d("2026-01-20"), "kind": "stage", "overdue_amount": 1234.5678, "overdue_days": 19}
        ids = insert_rows(History, [dict(row, case_id=case.id) for case in cases[:2]])
        theirs = History.create(dict(row, case_id=cases[2].id))
        for rid in ids:
            mine = {k: v for k, v in self._row("debt_collection_case_history", rid).items() if k != "case_id"}
            other = {k: v for k, v in self._row("debt_collection_case_history", theirs.id).items()
                     if k != "case_id"}
            self.assertEqual(mine, other)
            self.assertEqual(mine["overdue_amount"], 1234.57)

    def test_run_stage_moves_are_tracked_as_write_tracks_them(self):
        """A case the run escalates and one moved by ``write``: the same tracking note
        («Stage: first reminder → second reminder») in the chatter, row for row."""
        customers = [self._customer(f"Move Client {i}", f"move{i}@example.com") for i in range(2)]
        for customer in customers:
            self._invoice(customer, 500.0, d("2026-01-01"))
        cases = self.Case.create([
            {"partner_id": customer.id, "company_id": self.company.id} for customer in customers
        ])
        cases.with_context(debt_no_entry_actions=True).write({"stage_id": self.stage_reminder.id})
        ours, theirs = cases
        Message = self.env["mail.message"]

        def stage_notes(case):
            return Message.search([
                ("model", "=", self.Case._name), ("res_id", "=", case.id),
                ("tracking_value_ids.field_id.name", "=", "stage_id"),
            ])

        self.Case._debt_move_stages({self.stage_second.id: ours})
        # what write()'s tracking logs for this model (no subtype): mail.thread._message_track
        theirs.with_context(debt_no_entry_actions=True).write({"stage_id": self.stage_second.id})
        info = theirs.fields_get(["stage_id"], attributes=("string", "type", "selection", "currency_field"))
        theirs._message_log(body="", tracking_value_ids=[[0, 0, self.env["mail.tracking.value"]._create_tracking_values(
            self.stage_reminder, self.stage_second, "stage_id", info["stage_id"], theirs)]])
        new_ours, new_theirs = stage_notes(ours), stage_notes(theirs)
        self.assertEqual(len(new_ours), 1)
        self.assertEqual(len(new_theirs), 1)
        self.assertIn(new_ours, ours.message_ids)
        skip = {"res_id", "record_name"}
        self.assertEqual({k: v for k, v in self._row("mail_message", new_ours.id).items() if k not in skip},
                         {k: v for k, v in self._row("mail_message", new_theirs.id).items() if k not in skip})
        self.assertEqual(self._row("mail_tracking_value", new_ours.tracking_value_ids.id),
                         self._row("mail_tracking_value", new_theirs.tracking_value_ids.id))
        self.assertEqual(new_ours.tracking_value_ids.old_value_char, self.stage_reminder.name)
        self.assertEqual(new_ours.tracking_value_ids.new_value_char, self.stage_second.name)
        # a case already at the stage logs nothing
        self.Case._debt_move_stages({self.stage_second.id: ours})
        self.assertEqual(len(stage_notes(ours)), 1)
