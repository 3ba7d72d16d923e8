from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The company's Debt Control settings, edited on the managers' settings screen
# (``debt.config.wizard``) and in Settings → Debt Control.
DEBT_SETTINGS_FIELDS = (
    "debt_max_overdue_days", "debt_max_overdue_amount", "debt_prepayment_percent",
    "debt_block_repair", "debt_batch_size", "debt_claim_days_business",
    "debt_claim_days_individual", "debt_claim_signatory_name", "debt_claim_signatory_title",
    "debt_plan_grace_days", "debt_upcoming_days", "debt_230_limit_email",
    "debt_bad_debt_account_id", "debt_collector_id",
    # defined with their features (penalties, key rates, discipline score)
    "debt_penalty_policy_id", "debt_penalty_product_id", "debt_key_rate_known_until",
    "debt_grade_rules", "debt_grade_c_prepayment", "debt_grade_d_prepayment",
)
# Settings the stored block flags depend on.
DEBT_BLOCK_SETTINGS = ("debt_max_overdue_days", "debt_max_overdue_amount")
# Counts of days and amounts that cannot be negative (0 has a meaning for each).
DEBT_NON_NEGATIVE = (
    "debt_max_overdue_days", "debt_max_overdue_amount", "debt_claim_days_business",
    "debt_claim_days_individual", "debt_plan_grace_days", "debt_upcoming_days",
)


class ResCompany(models.Model):
    """Company-wide defaults of the debt-control policy."""

    _inherit = "res.company"

    debt_max_overdue_days = fields.Integer(
        string="Allowed Overdue Days",
        default=0,
        help="A customer whose oldest overdue item is older than this many days is "
        "blocked. 0 blocks on any overdue item.",
    )
    debt_max_overdue_amount = fields.Monetary(
        string="Allowed Overdue Amount",
        currency_field="currency_id",
        help="A customer whose overdue amount exceeds this is blocked. 0: any amount.",
    )
    debt_prepayment_percent = fields.Float(
        string="Default Prepayment (%)",
        help="Share of a new order that must be paid before it is confirmed, "
        "for customers without their own terms.",
    )
    debt_block_repair = fields.Boolean(
        string="Block Repair Orders",
        default=True,
        help="Apply the service block when repair orders are confirmed or started.",
    )
    debt_batch_size = fields.Integer(
        string="Daily Run Batch Size",
        default=5000,
        help="Number of customers processed and committed at a time by the daily run.",
    )
    debt_claim_days_business = fields.Integer(
        string="Claim Deadline for Businesses (days)",
        default=30,
        help="Days a business customer gets to pay after a claim letter. Between "
        "businesses the arbitrazh court accepts the case 30 days after the claim unless "
        "the contract sets another term.",
    )
    debt_claim_days_individual = fields.Integer(
        string="Claim Deadline for Individuals (days)",
        default=10,
        help="Days an individual customer gets to pay after a claim letter.",
    )
    debt_claim_signatory_name = fields.Char(
        string="Claim Signatory",
        help="Name of the person who signs claim letters and other debt letters.",
    )
    debt_claim_signatory_title = fields.Char(
        string="Signatory Title",
        help="Position of the signatory, e.g. General Director.",
    )
    debt_plan_grace_days = fields.Integer(
        string="Installment Grace Days",
        default=5,
        help="An installment unpaid more than this many days after its due date "
        "defaults the installment plan at the daily run.",
    )
    debt_upcoming_days = fields.Integer(
        string="Upcoming Payment Reminder (days before due)",
        default=3,
        help="Customers get an 'upcoming payment' e-mail this many days before an item "
        "falls due, once per item. 0 turns the reminder off.",
    )
    debt_230_limit_email = fields.Boolean(
        string="Count E-mails Against Contact Limits",
        help="Apply to automated e-mails to individuals the message limits of Federal Law "
        "230-FZ (2 a day, 4 a week, 16 a month) besides the allowed hours.",
    )
    debt_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad Debt Account",
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Expense account proposed when a debt is written off.",
    )
    debt_collector_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        domain=lambda self: [
            ("share", "=", False),
            ("groups_id", "in", self.env.ref("auto_service_debt.group_debt_collector").ids),
        ],
        help="Responsible of the collection cases and reminders of customers without a "
        "salesperson. Empty: the invoice's salesperson, else the user of the daily run.",
    )

    @api.constrains(*DEBT_NON_NEGATIVE, "debt_prepayment_percent", "debt_batch_size", "debt_collector_id",
                    "debt_grade_c_prepayment", "debt_grade_d_prepayment")
    def _check_debt_settings(self):
        for company in self:
            company._debt_check_settings({name: company[name] for name in DEBT_SETTINGS_FIELDS})

    def _debt_check_settings(self, values):
        """Refuse invalid Debt Control ``values`` (field name: value) for this company,
        naming the field and what to enter instead."""
        self.ensure_one()
        env = self.env

        def label(name):
            return self._fields[name]._description_string(env)

        for name in DEBT_NON_NEGATIVE:
            if (values.get(name) or 0) < 0:
                raise ValidationError(env._(
                    "%(field)s of %(company)s cannot be negative (%(value)s): enter 0 or more.",
                    field=label(name), company=self.name, value=values[name],
                ))
        for name in ("debt_prepayment_percent", "debt_grade_c_prepayment", "debt_grade_d_prepayment"):
            percent = values.get(name) or 0.0
            if not 0.0 <= percent <= 100.0:
                raise ValidationError(env._(
                    "%(field)s of %(company)s must be between 0 and 100 %% (%(value)s): enter "
                    "the share of a new order to be paid before it is confirmed, 0 for none.",
                    field=label(name), company=self.name, value=percent,
                ))
        if "debt_batch_size" in values and (values["debt_batch_size"] or 0) < 1:
            raise ValidationError(env._(
                "%(field)s of %(company)s must be at least 1 (%(value)s): enter how many "
                "customers the daily run processes at a time, e.g. 5000.",
                field=label("debt_batch_size"), company=self.name, value=values["debt_batch_size"],
            ))
        collector = values.get("debt_collector_id")
        if collector:
            user = env["res.users"].sudo().browse(collector if isinstance(collector, int) else collector.id)
            if user.share or not user.has_group("auto_service_debt.group_debt_collector"):
                raise ValidationError(env._(
                    "%(field)s of %(company)s: %(user)s is not a Debt Collector. Give the user "
                    "the group Debt: Collector or choose another user.",
                    field=label("debt_collector_id"), company=self.name, user=user.name,
                ))
