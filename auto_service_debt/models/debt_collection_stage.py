"""Stages of the collection workflow and the actions run when a case enters them."""

from odoo import api, fields, models


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
    fold = fields.Boolean(string="Folded in Kanban")
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("days_positive", "CHECK(days_overdue >= 0)", "Days overdue cannot be negative."),
    ]

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
