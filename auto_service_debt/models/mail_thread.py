"""Chatter notes and queued e-mails of a run, written in bulk: the same rows as Odoo's
``_message_log_batch`` and ``mail.template.send_mail_batch``, in one statement per table."""

from markupsafe import escape

from odoo import api, models
from odoo.addons.mail.models.mail_message import _image_dataurl
from odoo.tools.mail import generate_tracking_message_id

from ..tools.bulk import insert_relations, insert_rows


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _debt_log_batch(self, bodies):
        """Log the notes ``bodies`` ({record id: text or markup}) on ``self`` as
        ``_message_log_batch`` does (internal notes of the current user), with one INSERT
        and one sanitizing of a body shared by many records."""
        if not self:
            return self.env["mail.message"]
        Message = self.env["mail.message"].sudo()
        if any(_image_dataurl.search(str(body)) for body in bodies.values()):
            return self._message_log_batch(bodies=bodies)
        author_id, email_from = self._message_compute_author(None, None, raise_on_email=False)
        base = {
            "author_id": author_id,
            "email_from": email_from,
            "model": self._name,
            "record_alias_domain_id": False,
            "record_company_id": False,
            "record_name": False,
            "message_type": "notification",
            "is_internal": True,
            "subject": False,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            "email_add_signature": False,
            "message_id": generate_tracking_message_id("message-notify"),
            "reply_to": self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
        }
        base.update(Message._debt_column_defaults(base))
        ids = insert_rows(Message, [
            dict(base, res_id=record.id, body=escape(bodies.get(record.id, ""))) for record in self
        ])
        self.invalidate_recordset(["message_ids", "message_needaction", "message_needaction_counter"])
        return Message.browse(ids)


    def _debt_log_tracking(self, fname, initial):
        """Log the change of ``fname`` from ``initial`` ({record id: old value}) on each
        record of ``self`` that changed, as ``write`` tracks it when the model gives no
        subtype (a note with the tracking value), with one INSERT per table; for a write
        made with ``tracking_disable`` on many records at once."""
        changed = self.filtered(lambda record: initial[record.id] != record[fname])
        if not changed:
            return self.env["mail.message"]
        info = self.fields_get([fname], attributes=("string", "type", "selection", "currency_field"))[fname]
        Tracking = self.env["mail.tracking.value"].sudo()
        messages = changed._debt_log_batch(dict.fromkeys(changed.ids, ""))
        insert_rows(Tracking, [
            dict(Tracking._create_tracking_values(initial[record.id], record[fname], fname, info, record),
                 mail_message_id=message.id)
            for record, message in zip(changed, messages, strict=True)
        ])
        messages.invalidate_recordset(["tracking_value_ids"])
        return messages


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def _debt_column_defaults(self, vals):
        """The defaults ``create`` adds to ``vals`` (the same for every row of a batch)."""
        missing = [
            fname for fname, field in self._fields.items()
            if field.store and field.column_type and fname not in vals and not field.inherited
        ]
        defaults = self.default_get(missing)
        return {fname: value for fname, value in defaults.items() if fname in missing}


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model
    def _debt_create_batch(self, vals_list):
        """Create the queued e-mails ``vals_list`` (as ``send_mail_batch`` gives them to
        ``create``: the message's and the mail's fields, ``recipient_ids`` and
        ``partner_ids`` as lists of ids, no attachments) with one INSERT per table, the
        values completed as the two ``create`` methods complete them. Return the mails,
        in the order of ``vals_list``."""
        if not vals_list:
            return self.browse()
        Message = self.env["mail.message"].sudo()
        message_columns = {
            fname for fname, field in self._fields.items()
            if field.inherited and Message._fields[fname].store and Message._fields[fname].column_type
        }
        mail_columns = {
            fname for fname, field in self._fields.items()
            if not field.inherited and field.store and field.column_type
        }
        given = set().union(*vals_list)
        defaults = self.default_get(sorted((message_columns | mail_columns) - given))
        mail_rows, message_rows, recipients, partners = [], [], [], []
        for vals in vals_list:
            vals = dict(defaults, **vals)
            recipients.append(vals.pop("recipient_ids", None) or [])
            partners.append(vals.pop("partner_ids", None) or [])
            if vals.pop("attachment_ids", None):
                raise ValueError("e-mails with attachments are created by mail.mail's create")
            message = {fname: vals.pop(fname) for fname in list(vals) if fname in message_columns}
            unknown = set(vals) - mail_columns
            if unknown:
                raise ValueError(f"not columns of mail.mail or mail.message: {sorted(unknown)}")
            mail_rows.append(vals)
            message_rows.append(message)
        # what mail.message's create adds
        names = {}
        for model in {row.get("model") for row in message_rows if "record_name" not in row}:
            if model and model in self.env:
                records = self.env[model].sudo().browse(
                    {row["res_id"] for row in message_rows if row.get("model") == model and row.get("res_id")}
                )
                names.update({(model, record.id): record.display_name for record in records})
        for message in message_rows:
            if not message.get("message_id"):
                message["message_id"] = Message._get_message_id(message)
            if "reply_to" not in message:
                message["reply_to"] = Message._get_reply_to(message)
            if "record_name" not in message:
                message["record_name"] = names.get((message.get("model"), message.get("res_id")), False)
        # what mail.mail's create adds
        for vals in mail_rows:
            if vals.get("scheduled_date"):
                parsed = self._parse_scheduled_datetime(vals["scheduled_date"])
                vals["scheduled_date"] = parsed.replace(tzinfo=None) if parsed else False
            else:
                vals["scheduled_date"] = False
        message_ids = insert_rows(Message, message_rows)
        mail_ids = insert_rows(self, [
            dict(row, mail_message_id=message_id)
            for row, message_id in zip(mail_rows, message_ids, strict=True)
        ])
        cr = self.env.cr
        insert_relations(cr, "mail_message_res_partner_rel", "mail_message_id", "res_partner_id", [
            (message_id, pid) for message_id, pids in zip(message_ids, partners, strict=True) for pid in pids
        ])
        insert_relations(cr, "mail_mail_res_partner_rel", "mail_mail_id", "res_partner_id", [
            (mail_id, pid) for mail_id, pids in zip(mail_ids, recipients, strict=True) for pid in pids
        ])
        for model in {row.get("model") for row in message_rows} - {None, False}:
            if model in self.env and "message_ids" in self.env[model]._fields:
                self.env[model].invalidate_model(["message_ids"])
        return self.browse(mail_ids)


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    @api.model
    def _debt_insert_followers(self, res_model, res_ids, partner_ids):
        """Subscribe ``partner_ids`` to the documents ``res_ids`` with their default
        subtypes, as ``_insert_followers`` does (existing subscriptions kept), with one
        statement per table: a run subscribes the responsible to thousands of cases."""
        new, update = self._add_default_followers(res_model, res_ids, partner_ids, check_existing=True)
        rows, subtypes = [], []
        for res_id, values_list in new.items():
            for values in values_list:
                rows.append({"res_model": values["res_model"], "res_id": res_id,
                             "partner_id": values["partner_id"]})
                (command,) = values["subtype_ids"]
                subtypes.append(command[2])
        Followers = self.sudo()
        ids = insert_rows(Followers, rows)
        insert_relations(
            self.env.cr, "mail_followers_mail_message_subtype_rel",
            "mail_followers_id", "mail_message_subtype_id",
            [(fid, sid) for fid, sids in zip(ids, subtypes, strict=True) for sid in sids],
        )
        Followers.browse(ids).invalidate_recordset(["subtype_ids"])
        for fol_id, values in update.items():
            Followers.browse(fol_id).write(values)
        if ids:
            self.env[res_model].browse(res_ids).invalidate_recordset(
                ["message_follower_ids", "message_partner_ids", "message_is_follower"]
            )
        return Followers.browse(ids)
