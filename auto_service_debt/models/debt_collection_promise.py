"""Promises to pay recorded on a collection case, kept or broken at their date."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class DebtCollectionPromise(models.Model):
    """A customer's promise to pay an amount by a date; pauses escalation until then."""

    _name = "debt.collection.promise"
    _description = "Promise to Pay"
    _order = "date desc, id desc"

    case_id = fields.Many2one("debt.collection.case", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    date = fields.Date(string="Promised Date", required=True)
    amount = fields.Monetary(string="Promised Amount", required=True)
    receivable_at_promise = fields.Monetary(
        string="Owed When Promised", readonly=True,
        help="Total owed when the promise was made: the promise is kept when at least the "
        "promised amount has been paid since.",
    )
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken"), ("cancel", "Replaced")],
        default="open", required=True,
    )
    user_id = fields.Many2one("res.users", string="Recorded By", default=lambda self: self.env.user)
    note = fields.Text()

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "The promised amount must be positive."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        today = fields.Date.context_today(self)
        for promise in promises:
            if promise.date < today:
                raise ValidationError(self.env._(
                    "The promised date %(date)s of %(case)s is in the past: record the date the "
                    "customer will pay.", date=promise.date, case=promise.case_id.name,
                ))
            older = promise.case_id.promise_ids.filtered(lambda p: p.state == "open" and p != promise)
            older.write({"state": "cancel"})
            position = self.env["debt.position"]._get_positions(
                promise.partner_id, promise.company_id, today
            )[promise.partner_id.id]
            promise.receivable_at_promise = position["receivable"]
            promise.case_id._message_log(body=self.env._(
                "Promise to pay %(amount)s by %(date)s recorded.",
                amount=promise.currency_id.format(promise.amount), date=promise.date,
            ))
        promises._debt_mark_customers()
        return promises

    def write(self, vals):
        res = super().write(vals)
        if "state" in vals:
            self._debt_mark_customers()
        return res

    def _debt_mark_customers(self):
        """A promise made, kept, broken or cancelled is an event of its customer."""
        self.env["debt.partner.status"]._debt_mark_records(self)

    def _debt_check_due(self, positions, today):
        """Settle the open promises whose date has passed: kept when the promised
        amount was paid since, else broken (logged on the case). Return the broken."""
        due = self.filtered(lambda p: p.state == "open" and p.date < today)
        broken = self.browse()
        for promise in due:
            position = positions.get(promise.partner_id.id)
            paid = promise.receivable_at_promise - (position["receivable"] if position else 0.0)
            if float_compare(paid, promise.amount, precision_rounding=promise.currency_id.rounding) >= 0:
                promise.state = "kept"
            else:
                broken |= promise
        broken.write({"state": "broken"})
        notes = defaultdict(list)
        for promise in broken:
            notes[promise.case_id.id].append(self.env._(
                "Broken promise: %(amount)s was promised by %(date)s; the case escalates.",
                amount=promise.currency_id.format(promise.amount), date=promise.date,
            ))
        broken.case_id._debt_log_batch({case_id: " ".join(texts) for case_id, texts in notes.items()})
        return broken
