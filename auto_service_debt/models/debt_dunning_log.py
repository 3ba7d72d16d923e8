"""The "never twice" guard of dunning: one row per item, kind and stage."""

from odoo import api, fields, models
from odoo.tools import SQL


class DebtDunningLog(models.Model):
    """A reminder (e-mail or activity) given for one due item at one stage. The row is
    written in the same transaction as the mail, and its unique key makes a repeated or
    resumed run skip what was already done."""

    _name = "debt.dunning.log"
    _description = "Dunning Log"
    _order = "id desc"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    case_id = fields.Many2one("debt.collection.case", string="Case", index=True, ondelete="set null")
    move_line_id = fields.Many2one(
        "account.move.line", string="Due Line", index=True, ondelete="cascade"
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    installment_line_ref = fields.Integer(
        string="Installment Line",
        index=True,
        help="Id of the late installment line reminded (installment plans).",
    )
    kind = fields.Selection(
        [
            ("upcoming", "Upcoming payment"),
            ("stage", "Stage entry"),
            ("installment", "Late installment"),
            ("manual", "Manual reminder"),
        ],
        required=True,
    )
    stage_id = fields.Many2one("debt.collection.stage", string="Stage", ondelete="set null")
    channel = fields.Selection(
        [("email", "E-mail"), ("sms", "SMS"), ("activity", "Activity")], required=True
    )
    mail_id = fields.Many2one("mail.mail", string="E-mail", ondelete="set null")
    message_id = fields.Many2one(
        "mail.message", string="SMS Message", ondelete="set null",
        help="The SMS posted on the case or the customer (sent at once or at the allowed moment).",
    )
    activity_id = fields.Many2one("mail.activity", string="Activity", ondelete="set null")
    date = fields.Date(required=True)
    amount = fields.Monetary(string="Amount Due", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")

    def init(self):
        # Manual reminders may repeat; every automatic one exists once per key.
        self.env.cr.execute(
            SQL(
                """
            CREATE UNIQUE INDEX IF NOT EXISTS debt_dunning_log_once_idx
                ON debt_dunning_log (
                    COALESCE(move_line_id, 0), COALESCE(installment_line_ref, 0),
                    kind, COALESCE(stage_id, 0))
             WHERE kind != 'manual'
            """
            )
        )

    @api.model
    def _debt_claim(self, rows):
        """Insert the guard rows ``rows`` (dicts with company_id, partner_id, case_id,
        move_line_id, installment_line_ref, kind, stage_id, channel, date, amount) and
        return the ids of those that did not exist yet; the others are skipped.

        One statement whatever the number of rows."""
        if not rows:
            return self.browse()
        self.flush_model()
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now() at time zone 'UTC', %s, now() at time zone 'UTC')",
                row["company_id"],
                row["partner_id"],
                row.get("case_id") or None,
                row.get("move_line_id") or None,
                row.get("installment_line_ref") or None,
                row["kind"],
                row.get("stage_id") or None,
                row["channel"],
                row["date"],
                row.get("amount") or 0.0,
                self.env.uid,
                self.env.uid,
            )
            for row in rows
        )
        conflict = (
            SQL("")
            if rows[0]["kind"] == "manual"
            else SQL(
                """ON CONFLICT (COALESCE(move_line_id, 0), COALESCE(installment_line_ref, 0),
                                kind, COALESCE(stage_id, 0)) WHERE kind != 'manual' DO NOTHING"""
            )
        )
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO debt_dunning_log (company_id, partner_id, case_id, move_line_id,
                   installment_line_ref, kind, stage_id, channel, date, amount, create_uid,
                   create_date, write_uid, write_date)
            VALUES %s
            %s
            RETURNING id
            """,
                values,
                conflict,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])
