"""Collector tools on a case: log a contact, record a promise, open a dispute,
send reminders, hand the case over to an agency."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.debt_collection_case import NONPAYMENT_REASONS


class DebtCaseWizardMixin(models.AbstractModel):
    _name = "debt.case.wizard.mixin"
    _description = "Collection Case Wizard"

    case_id = fields.Many2one("debt.collection.case", string="Case", required=True)
    partner_id = fields.Many2one(related="case_id.partner_id")
    company_id = fields.Many2one(related="case_id.company_id")
    currency_id = fields.Many2one(related="case_id.currency_id")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if (
            "case_id" in fields_list
            and not res.get("case_id")
            and self.env.context.get("active_model") == "debt.collection.case"
        ):
            res["case_id"] = self.env.context.get("active_id")
        return res


class DebtCasesWizardMixin(models.AbstractModel):
    """A wizard over the cases selected in the list (or the case open in its form)."""

    _name = "debt.cases.wizard.mixin"
    _description = "Collection Cases Wizard"

    case_ids = fields.Many2many("debt.collection.case", string="Cases")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if self.env.context.get("active_model") == "debt.collection.case":
            res["case_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return res


class DebtLogContactWizard(models.TransientModel):
    """Log a call, SMS or meeting with its result; a promise can be recorded at once."""

    _name = "debt.log.contact.wizard"
    _inherit = "debt.case.wizard.mixin"
    _description = "Log a Contact"

    channel = fields.Selection(
        [("call", "Phone call"), ("sms", "SMS"), ("meeting", "Meeting")], required=True, default="call"
    )
    direction = fields.Selection([("out", "Outgoing"), ("in", "Incoming")], required=True, default="out")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    result = fields.Selection(
        [
            ("reached", "Reached"),
            ("no_answer", "No answer"),
            ("promise", "Promised to pay"),
            ("refused", "Refused to pay"),
            ("callback", "Asked to call back"),
            ("wrong", "Wrong number"),
        ],
        required=True,
        default="reached",
    )
    note = fields.Text()
    nonpayment_reason = fields.Selection(NONPAYMENT_REASONS, string="Non-payment Reason")
    promise_date = fields.Date(string="Promised Date")
    promise_amount = fields.Monetary(string="Promised Amount")
    limit_exception = fields.Boolean(
        string="Exception to the Legal Limits",
        help="Managers only: record a contact beyond the 230-FZ hours or limits, with a reason.",
    )
    exception_reason = fields.Char()

    def action_log(self):
        self.ensure_one()
        if self.result == "promise" and not (self.promise_date and self.promise_amount > 0):
            raise UserError(self.env._(
                "Give the date and the amount the customer of %(case)s promised to pay.",
                case=self.case_id.name,
            ))
        self.env["debt.contact.log"].create({
            "case_id": self.case_id.id,
            "partner_id": self.case_id.partner_id.id,
            "company_id": self.case_id.company_id.id,
            "channel": self.channel,
            "direction": self.direction,
            "date": self.date,
            "result": self.result,
            "note": self.note,
            "limit_exception": self.limit_exception,
            "exception_reason": self.exception_reason,
        })
        if self.nonpayment_reason:
            self.case_id.nonpayment_reason = self.nonpayment_reason
        if self.result == "promise":
            self.env["debt.collection.promise"].create({
                "case_id": self.case_id.id,
                "date": self.promise_date,
                "amount": self.promise_amount,
                "note": self.note,
            })
        result = dict(self._fields["result"]._description_selection(self.env))[self.result]
        channel = dict(self._fields["channel"]._description_selection(self.env))[self.channel]
        self.case_id._message_log(body=self.env._(
            "%(channel)s logged: %(result)s. %(note)s",
            channel=channel, result=result, note=self.note or "",
        ))
        return {"type": "ir.actions.act_window_close"}


class DebtPromiseWizard(models.TransientModel):
    """Record the customer's promise to pay: escalation pauses until the date."""

    _name = "debt.promise.wizard"
    _inherit = "debt.case.wizard.mixin"
    _description = "Record a Promise to Pay"

    date = fields.Date(string="Promised Date", required=True)
    amount = fields.Monetary(string="Promised Amount", required=True)
    nonpayment_reason = fields.Selection(NONPAYMENT_REASONS, string="Non-payment Reason")
    note = fields.Text()

    def action_record(self):
        self.ensure_one()
        if self.amount <= 0:
            raise UserError(self.env._(
                "The promised amount for %(case)s must be positive, not %(amount)s.",
                case=self.case_id.name, amount=self.amount,
            ))
        self.env["debt.collection.promise"].create({
            "case_id": self.case_id.id, "date": self.date, "amount": self.amount, "note": self.note,
        })
        if self.nonpayment_reason:
            self.case_id.nonpayment_reason = self.nonpayment_reason
        return {"type": "ir.actions.act_window_close"}


class DebtDisputeWizard(models.TransientModel):
    """Open a dispute on some invoices: they are not dunned until it is resolved."""

    _name = "debt.dispute.wizard"
    _inherit = "debt.case.wizard.mixin"
    _description = "Open a Dispute"

    reason = fields.Text(required=True)
    move_ids = fields.Many2many(
        "account.move",
        string="Disputed Invoices",
        required=True,
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id),"
        " ('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    nonpayment_reason = fields.Selection(NONPAYMENT_REASONS, string="Non-payment Reason", default="quality")

    def action_open(self):
        self.ensure_one()
        self.env["debt.collection.dispute"].create({
            "case_id": self.case_id.id, "reason": self.reason, "move_ids": [(6, 0, self.move_ids.ids)],
        })
        if self.nonpayment_reason:
            self.case_id.nonpayment_reason = self.nonpayment_reason
        return {"type": "ir.actions.act_window_close"}


class DebtSendReminderWizard(models.TransientModel):
    """Send a reminder now to the customers of the selected cases."""

    _name = "debt.send.reminder.wizard"
    _inherit = "debt.cases.wizard.mixin"
    _description = "Send Reminders"

    channel = fields.Selection(
        [("email", "E-mail"), ("sms", "SMS")], required=True, default="email",
        help="SMS: the stage's SMS text, to the customer's mobile number, within the legal "
        "hours and limits for individuals.",
    )

    def action_send(self):
        self.ensure_one()
        return self.case_ids._debt_remind_action(self.channel, then={"type": "ir.actions.act_window_close"})


class DebtAssignWizard(models.TransientModel):
    """Give the selected cases a responsible; their open activities follow."""

    _name = "debt.assign.wizard"
    _inherit = "debt.cases.wizard.mixin"
    _description = "Assign a Responsible"

    user_id = fields.Many2one(
        "res.users", string="Responsible", required=True,
        domain=lambda self: [
            ("share", "=", False),
            ("groups_id", "in", self.env.ref("auto_service_debt.group_debt_collector").ids),
        ],
    )

    def action_assign(self):
        self.ensure_one()
        cases = self.case_ids
        foreign = cases.filtered(lambda c: c.company_id not in self.user_id.company_ids)
        if foreign:
            raise UserError(self.env._(
                "%(user)s does not work in the company of %(cases)s: choose a collector of that company.",
                user=self.user_id.name, cases=", ".join(foreign.mapped("name")),
            ))
        activities = self.env["mail.activity"].search([
            ("res_model", "=", cases._name), ("res_id", "in", cases.ids),
            ("user_id", "in", cases.user_id.ids),
        ])
        activities = activities.filtered(
            lambda a: a.user_id == cases.browse(a.res_id).user_id
        )
        cases.write({"user_id": self.user_id.id})
        activities.write({"user_id": self.user_id.id})
        return {"type": "ir.actions.act_window_close"}


class DebtAgencyWizard(models.TransientModel):
    """Hand the case over to a collection agency under an active agreement and export
    the case file."""

    _name = "debt.agency.wizard"
    _inherit = "debt.case.wizard.mixin"
    _description = "Hand Over to a Collection Agency"

    agreement_id = fields.Many2one(
        "debt.agency.agreement", string="Agency Agreement", required=True,
        domain="[('state', '=', 'active'), ('company_id', '=', company_id)]",
    )
    agency_partner_id = fields.Many2one(related="agreement_id.partner_id", string="Collection Agency")
    commission = fields.Float(related="agreement_id.commission_percent", string="Commission (%)")
    term_days = fields.Integer(related="agreement_id.term_days")
    date = fields.Date(string="Handover Date", required=True, default=fields.Date.context_today)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        case = self.env["debt.collection.case"].browse(res.get("case_id"))
        if case and "agreement_id" in fields_list and not res.get("agreement_id"):
            agreements = self.env["debt.agency.agreement"].search(
                [("state", "=", "active"), ("company_id", "=", case.company_id.id)], limit=2
            )
            if len(agreements) == 1:
                res["agreement_id"] = agreements.id
        return res

    def action_hand_over(self):
        self.ensure_one()
        case = self.case_id
        attachment = case._debt_hand_over(self.agreement_id, self.date)[case]
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
