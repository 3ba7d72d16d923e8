"""Stages of the collection workflow and the actions run when a case enters them."""

from odoo import api, fields, models
from odoo.tools import format_date


class DebtCollectionStage(models.Model):
    """A step of the collection ladder, entered by days overdue, with entry actions."""

    _name = "debt.collection.stage"
    _description = "Collection Stage"
    _order = "sequence, days_overdue, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        help="Leave empty to use the stage in every company.",
    )
    days_overdue = fields.Integer(
        string="Days Overdue to Enter",
        help="A case moves to this stage when its oldest dunnable overdue item is at least "
        "this many days late.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail on Entry",
        domain="[('model', '=', 'debt.collection.case')]",
        help="Sent to the customer when the case enters the stage, with the items due. "
        "Customers without an e-mail address get an activity for the responsible instead.",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS on Entry",
        domain="[('model', '=', 'debt.collection.case')]",
        help="Sent by SMS (Odoo's SMS, through the database's SMS provider) instead of the "
        "e-mail to customers with a mobile number, within the hours and limits of Federal "
        "Law 230-FZ for individuals. Customers without a number get the e-mail.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity on Entry",
        help="Activity planned for the responsible of the case when it enters the stage.",
    )
    activity_summary = fields.Char(string="Activity Summary", translate=True)
    print_letter = fields.Boolean(
        string="Letter to Print",
        help="Entering the stage asks the responsible to print and send a letter "
        "(the claim letter on the claim stage).",
    )
    block_customer = fields.Boolean(
        string="Block Service",
        help="From this stage on the customer is blocked for new work until the case is closed.",
    )
    legal = fields.Boolean(
        string="Legal Stage",
        help="A stage with legal consequences (claim, court, enforcement).",
    )
    manual_template_id = fields.Many2one(
        "mail.template",
        string="E-mail for Manual Reminders",
        domain="[('model', '=', 'debt.collection.case')]",
        help="Sent when a collector sends a reminder by hand while the case is at this stage. "
        "Empty: the e-mail on entry of this stage, or of the last stage before it that has one.",
    )
    # Gates: what a case needs, besides the days overdue, to enter the stage.
    gate_reminder = fields.Boolean(
        string="Requires a Reminder Sent",
        help="A case enters this stage only after a reminder of the case was sent to the "
        "customer (by e-mail, letter or a logged contact task), at least the days below ago.",
    )
    gate_reminder_days = fields.Integer(
        string="Days Since the Reminder",
        help="Days the customer gets after the last reminder before the case may enter this stage.",
    )
    gate_claim = fields.Boolean(
        string="Requires an Expired Claim",
        help="A case enters this stage only when a claim letter was issued and sent to the "
        "customer and its deadline has passed: for a business, 30 calendar days from sending "
        "(Arbitrazh Procedure Code art. 4 §5) or the contract's term; for an individual, the "
        "company's term.",
    )
    gate_manual = fields.Boolean(
        string="Entered by Hand Only",
        help="The daily run never moves a case into this stage; a collector does, when its "
        "condition is met (e.g. enforcement once the court has decided).",
    )
    fold = fields.Boolean(string="Folded in Kanban")
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("days_positive", "CHECK(days_overdue >= 0)", "Days overdue cannot be negative."),
        ("gate_days_positive", "CHECK(gate_reminder_days >= 0)",
         "The days since the reminder cannot be negative."),
    ]

    def _debt_gate_holds(self, facts, today):
        """Whether a case with ``facts`` may enter this stage in the daily run: the
        condition of ``_debt_gate_missing`` without its sentence (the run asks it of every
        waiting case each day)."""
        if self.gate_manual:
            return False
        if self.gate_reminder:
            last = facts.get("last_reminder")
            if not last or (today - last).days < self.gate_reminder_days:
                return False
        if self.gate_claim:
            deadline = facts.get("claim_deadline")
            if not (facts.get("claim") and facts.get("claim_sent") and deadline and deadline < today):
                return False
        return True

    def _debt_gate_missing(self, facts, today, manual=False):
        """What ``facts`` (of ``debt.collection.case._debt_gate_facts``) lack for a case to
        enter this stage, as a translated sentence; empty when nothing is missing.
        ``manual``: the move is a collector's, not the daily run's."""
        self.ensure_one()
        _ = self.env._
        if self.gate_manual and not manual:
            return _("a collector moves the case to this stage by hand when its condition is met")
        if self.gate_reminder:
            last = facts.get("last_reminder")
            if not last:
                return _("no reminder has been sent to the customer yet")
            if (today - last).days < self.gate_reminder_days:
                return _(
                    "the last reminder was sent on %(date)s; the customer has %(days)s days "
                    "to react", date=format_date(self.env, last), days=self.gate_reminder_days,
                )
        if self.gate_claim:
            if not facts.get("claim"):
                return _("no claim letter has been issued")
            if not facts.get("claim_sent"):
                return _("claim %(claim)s has not been sent (record how and when it was sent)",
                         claim=facts["claim"])
            deadline = facts.get("claim_deadline")
            if not deadline or deadline >= today:
                return _("the deadline of claim %(claim)s runs until %(date)s",
                         claim=facts["claim"], date=format_date(self.env, deadline))
        return ""

    @api.model
    def _debt_stages(self, company):
        """Active stages usable in ``company``, in ladder order."""
        return self.search(
            [("company_id", "in", [False, company.id])], order="days_overdue, sequence, id"
        )

    @api.model
    def _debt_ladder(self, stages):
        """``target(overdue_days)``: the last stage of ``stages`` whose threshold
        ``overdue_days`` has reached, with the thresholds read once (the daily run asks
        it for thousands of customers)."""
        thresholds = [(stage.days_overdue, stage) for stage in stages]
        empty = self.browse()

        def target(overdue_days):
            found = empty
            for days, stage in thresholds:
                if days <= overdue_days:
                    found = stage
            return found

        return target
