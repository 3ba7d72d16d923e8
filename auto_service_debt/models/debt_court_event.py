"""The court steps of a collection case, from the filing to the amounts recovered."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

# Each step and the step that must come before it.
COURT_KINDS = [
    ("filing", "Filing"),
    ("decision", "Decision"),
    ("writ", "Writ of execution"),
    ("enforcement", "Enforcement proceedings"),
    ("recovery", "Amount recovered"),
]
PREVIOUS = {"decision": "filing", "writ": "decision", "enforcement": "writ", "recovery": "decision"}


class DebtCourtEvent(models.Model):
    """A dated court step of a case: filing, decision, writ, enforcement, recovery."""

    _name = "debt.court.event"
    _description = "Court Step of a Collection Case"
    _order = "date, id"
    _check_company_auto = True

    case_id = fields.Many2one(
        "debt.collection.case", string="Case", required=True, index=True, ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(related="case_id.partner_id", string="Customer", store=True)
    kind = fields.Selection(COURT_KINDS, string="Step", required=True, default="filing")
    date = fields.Date(required=True, default=fields.Date.context_today)
    court_name = fields.Char(string="Court")
    court_case_number = fields.Char(string="Court Case Number")
    court_fee = fields.Monetary(string="Court Fee Paid")
    amount_awarded = fields.Monetary(string="Amount Awarded")
    writ_number = fields.Char(string="Writ Number")
    bailiff_number = fields.Char(
        string="Enforcement Proceedings Number", help="Number of the bailiffs' enforcement proceedings."
    )
    amount = fields.Monetary(string="Amount Recovered")
    reference = fields.Char(help="Reference of the recovered amount (payment order, bailiffs' transfer).")
    note = fields.Text(string="Notes")
    payment_id = fields.Many2one("account.payment", string="Customer Payment", readonly=True, copy=False)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        case = self.env["debt.collection.case"].browse(res.get("case_id"))
        if case and "company_id" in fields_list:
            res["company_id"] = case.company_id.id
        return res

    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for event in self:
            event.display_name = f"{labels.get(event.kind, '')} {event.date or ''}".strip()

    @api.model_create_multi
    def create(self, vals_list):
        Case = self.env["debt.collection.case"]
        for vals in vals_list:
            case = Case.browse(vals.get("case_id"))
            if case:
                vals.setdefault("company_id", case.company_id.id)
                if case.state != "open":
                    raise UserError(self.env._(
                        "Case %(case)s is closed: court steps are recorded on open cases.",
                        case=case.name,
                    ))
                if vals.get("kind", "filing") == "filing":
                    self._debt_check_claim_expired(
                        case, fields.Date.to_date(vals.get("date")) or fields.Date.context_today(self))
                if vals.get("kind") == "recovery":
                    case._debt_check_amount_owed(
                        vals.get("amount"), fields.Date.to_date(vals.get("date")) or fields.Date.context_today(self)
                    )
        events = super().create(vals_list)
        events._debt_check_steps()
        for event in events.filtered(lambda e: e.kind == "recovery"):
            memo = self.env._("Recovered through the court, case %(case)s", case=event.case_id.name)
            if event.reference:
                memo = ", ".join([memo, event.reference])
            payment = event.case_id._debt_record_payment(event.amount, event.date, memo)
            event.payment_id = payment
        self.env["debt.collection.case.history"].sudo().create([
            event.case_id._debt_history_values("court", event.date, event._debt_log_text())
            for event in events
        ])
        for event in events:
            event.case_id._message_log(body=event._debt_log_text())
        return events

    @api.model
    def _debt_check_claim_expired(self, case, on_date):
        """A claim goes to court once the pre-trial claim was sent and its term has run out
        (for a business, APK art. 4 §5; for an individual, the company's term)."""
        facts = case._debt_gate_facts(case)[case.id]
        gate = self.env["debt.collection.stage"].new({"gate_claim": True})
        missing = gate._debt_gate_missing(facts, on_date, manual=True)
        if missing:
            raise UserError(self.env._(
                "Case %(case)s cannot be filed with the court on %(date)s: %(missing)s. "
                "Send the claim letter and wait for its deadline first.",
                case=case.name, date=format_date(self.env, on_date), missing=missing,
            ))

    def write(self, vals):
        if {"case_id", "kind", "amount", "date"} & set(vals) and any(e.payment_id for e in self):
            raise UserError(self.env._(
                "The recovered amount of case %(case)s is booked as a payment: it cannot be "
                "changed. Cancel the payment in Accounting and record the right amount as a new "
                "step.", case=self[:1].case_id.name,
            ))
        res = super().write(vals)
        self._debt_check_steps()
        return res

    def _debt_check_steps(self):
        """Each step has what it needs, and comes after the step it follows."""
        required = {
            "filing": ("court_name", "court_case_number"),
            "decision": ("amount_awarded",),
            "writ": ("writ_number",),
            "enforcement": ("bailiff_number",),
            "recovery": ("amount",),
        }
        labels = dict(self._fields["kind"]._description_selection(self.env))
        earlier = {}
        others = self.search([("case_id", "in", self.case_id.ids)])
        for other in others:
            key = (other.case_id.id, other.kind)
            earlier[key] = min(earlier.get(key, other.date), other.date)
        for event in self:
            case = event.case_id
            missing = [
                self._fields[name].get_description(self.env)["string"]
                for name in required[event.kind] if not event[name]
            ]
            if missing:
                raise ValidationError(self.env._(
                    "Case %(case)s, court step %(step)s: fill in %(fields)s.",
                    case=case.name, step=labels[event.kind], fields=", ".join(missing),
                ))
            if event.court_fee < 0 or event.amount_awarded < 0:
                raise ValidationError(self.env._(
                    "Case %(case)s, court step %(step)s: amounts cannot be negative.",
                    case=case.name, step=labels[event.kind],
                ))
            previous = PREVIOUS.get(event.kind)
            if previous:
                since = earlier.get((case.id, previous))
                if not since:
                    raise ValidationError(self.env._(
                        "Case %(case)s: record the step %(previous)s before the step %(step)s.",
                        case=case.name, previous=labels[previous], step=labels[event.kind],
                    ))
                if event.date < since:
                    raise ValidationError(self.env._(
                        "Case %(case)s: the step %(step)s (%(date)s) cannot come before the "
                        "step %(previous)s (%(since)s).",
                        case=case.name, step=labels[event.kind], date=event.date,
                        previous=labels[previous], since=since,
                    ))

    def _debt_log_text(self):
        self.ensure_one()
        cur = self.currency_id
        _ = self.env._
        if self.kind == "filing":
            return _("Court: claim filed with %(court)s on %(date)s, case %(number)s, court fee %(fee)s.",
                     court=self.court_name, date=self.date, number=self.court_case_number,
                     fee=cur.format(self.court_fee))
        if self.kind == "decision":
            return _("Court: decision of %(date)s, amount awarded %(amount)s.",
                     date=self.date, amount=cur.format(self.amount_awarded))
        if self.kind == "writ":
            return _("Court: writ of execution %(number)s of %(date)s.", number=self.writ_number, date=self.date)
        if self.kind == "enforcement":
            return _("Court: enforcement proceedings %(number)s opened on %(date)s.",
                     number=self.bailiff_number, date=self.date)
        return _("Court: %(amount)s recovered on %(date)s (%(ref)s).",
                 amount=cur.format(self.amount), date=self.date, ref=self.reference or "-")
