"""Companies: the defaults of the debt-control policy and the settings of every feature
(discipline grades, key rates, penalties)."""

from datetime import date

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

# The company's Debt Control settings, edited on the managers' settings screen
# (``debt.config.wizard``) and in Settings → Debt Control.
DEBT_SETTINGS_FIELDS = (
    "debt_max_overdue_days", "debt_max_overdue_amount", "debt_prepayment_percent",
    "debt_block_repair", "debt_chain_block", "debt_batch_size", "debt_claim_days_business",
    "debt_claim_days_individual", "debt_claim_signatory_name", "debt_claim_signatory_title",
    "debt_court_order_limit", "debt_interest_product_id",
    "debt_plan_grace_days", "debt_upcoming_days", "debt_230_limit_email",
    "debt_upcoming_sms_template_id", "debt_installment_sms_template_id",
    "debt_bad_debt_account_id", "debt_collector_id",
    # defined with their features (penalties, key rates, discipline score)
    "debt_penalty_policy_id", "debt_penalty_product_id", "debt_key_rate_known_until",
    "debt_key_rate_import",
    "debt_grade_rules", "debt_grade_c_prepayment", "debt_grade_d_prepayment",
)
# Settings the stored block flags depend on: a change is an event for every customer.
DEBT_BLOCK_SETTINGS = (
    "debt_max_overdue_days", "debt_max_overdue_amount", "account_use_credit_limit", "debt_chain_block",
)
# Counts of days and amounts that cannot be negative (0 has a meaning for each).
DEBT_NON_NEGATIVE = (
    "debt_max_overdue_days", "debt_max_overdue_amount", "debt_claim_days_business",
    "debt_claim_days_individual", "debt_plan_grace_days", "debt_upcoming_days",
    "debt_court_order_limit",
)

# The shipped key-rate table holds every change published up to this day.
KEY_RATES_SHIPPED_UNTIL = date(2026, 10, 25)


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
    debt_chain_block = fields.Boolean(
        string="Block for Overdue Debt in Other Shops of the Chain",
        help="A customer whose debt in the other companies of this database (the other shops "
        "of the chain, keeping their books in the same currency) is overdue longer than the "
        "days, or by more than the amount, allowed here is blocked here too. The banners "
        "and the block message show that debt whatever this setting.",
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
        help="Days an individual customer gets to pay after receiving a claim letter.",
    )
    debt_court_order_limit = fields.Monetary(
        string="Court Order Limit",
        currency_field="currency_id",
        default=500000.0,
        help="An individual's debt up to this amount is recovered by a court order "
        "(судебный приказ) at a magistrate; above it by a statement of claim.",
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
    debt_upcoming_sms_template_id = fields.Many2one(
        "sms.template",
        string="Upcoming Payment SMS",
        domain="[('model', '=', 'res.partner')]",
        help="Remind upcoming payments by this SMS instead of the e-mail to customers with a "
        "mobile number. Empty: e-mail only.",
    )
    debt_installment_sms_template_id = fields.Many2one(
        "sms.template",
        string="Late Installment SMS",
        domain="[('model', '=', 'res.partner')]",
        help="Remind late installments by this SMS instead of the e-mail to customers with a "
        "mobile number. Empty: e-mail only.",
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

    def cache_invalidation_fields(self):
        # the chain (other companies in the same currency) and the companies that block
        # for it are kept in the registry's cache
        return super().cache_invalidation_fields() | {"currency_id", "debt_chain_block"}

    def write(self, vals):
        changed = [
            company for company in self
            if any(name in vals and company[name] != vals[name] for name in DEBT_BLOCK_SETTINGS)
        ]
        res = super().write(vals)
        for company in changed:
            self.env["debt.partner.status"]._debt_mark_company(company)
        return res

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

    # ------------------------------------------------------------------
    # Prepayment by payment-discipline grade
    # ------------------------------------------------------------------

    debt_grade_rules = fields.Boolean(
        string="Prepayment by Discipline Grade",
        help="Require a prepayment from customers with a poor payment-discipline grade.",
    )
    debt_grade_c_prepayment = fields.Float(string="Prepayment for Grade C (%)", default=50.0)
    debt_grade_d_prepayment = fields.Float(string="Prepayment for Grade D (%)", default=100.0)

    # ------------------------------------------------------------------
    # Key rates (art. 395 interest)
    # ------------------------------------------------------------------

    debt_key_rate_known_until = fields.Date(
        string="Key Rates Known Up To",
        default=KEY_RATES_SHIPPED_UNTIL,
        help="Last day for which the key-rate table is known to be complete. Interest "
        "for later days is never assumed: it stops at this date and is marked provisional "
        "until a manager adds the new rates or moves this date after checking the Bank "
        "of Russia's site.",
    )
    debt_key_rate_alert_date = fields.Date(
        string="Key-Rate Reminder Sent For",
        copy=False,
        help="'Known up to' date for which managers were last asked to update the table.",
    )

    debt_key_rate_import = fields.Boolean(
        string="Import Key Rates from the Bank of Russia",
        default=True,
        help="Every week the key rates published by the Bank of Russia (its DailyInfo "
        "web service) are added to the table and 'Key Rates Known Up To' moves to the last "
        "day published. A failure changes nothing and is told to the debt managers. Off: "
        "the managers keep the table and the date by hand.",
    )
    debt_key_rate_import_error_date = fields.Date(
        string="Key-Rate Import Failure Reported On",
        copy=False,
        help="Day on which the managers were last told that the key-rate import failed.",
    )

    def _debt_move_key_rate_known_until(self, until):
        """Move the 'known up to' date forward (never back) to ``until``."""
        self.filtered(
            lambda c: not c.debt_key_rate_known_until or c.debt_key_rate_known_until < until
        ).write({"debt_key_rate_known_until": until})

    def _debt_key_rate_notify(self, today):
        """Ask the debt managers once per 'known up to' date to update the key rates:
        an activity on the latest key-rate row, never a second one for the same date."""
        managers = self.env.ref("auto_service_debt.group_debt_manager").sudo().users
        rate = self.env["debt.key.rate"].sudo().search([], order="date_from desc", limit=1)
        for company in self.sudo():
            known = company.debt_key_rate_known_until
            if not known or today <= known or company.debt_key_rate_alert_date == known:
                continue
            company.debt_key_rate_alert_date = known
            if not rate:
                continue
            users = managers.filtered(lambda u, c=company: c in u.company_ids and not u.share)
            # Managers who still have an open reminder on the table need no second one.
            already = rate.activity_ids.user_id
            for user in users - already:
                rate.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=today,
                    summary=self.env._("Key rates known only up to %(date)s",
                                       date=format_date(self.env, known)),
                    note=self.env._(
                        "Interest under art. 395 for %(company)s stops at %(date)s and is "
                        "provisional. Add the key rates published since then (Debt Control > "
                        "Configuration > Key Rates), or move 'Key Rates Known Up To' in the "
                        "settings after checking the Bank of Russia's site.",
                        company=company.name, date=format_date(self.env, known),
                    ),
                    user_id=user.id,
                )

    def _debt_key_rate_import_failed(self, today, error):
        """Tell the debt managers of these companies, in their language, that the
        key-rate import failed with ``error`` (a ``KeyRateImportError``): an activity on
        the latest key-rate row, once per day."""
        companies = self.sudo().filtered(lambda c: c.debt_key_rate_import_error_date != today)
        if not companies:
            return
        companies.debt_key_rate_import_error_date = today
        rate = self.env["debt.key.rate"].sudo().search([], order="date_from desc", limit=1)
        if not rate:
            return
        managers = self.env.ref("auto_service_debt.group_debt_manager").sudo().users.filtered(
            lambda u: not u.share and u.company_ids & companies
        )
        for user in managers:
            env = rate.with_context(lang=user.lang).env
            rate.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=today,
                summary=env._("Key-rate import from the Bank of Russia failed"),
                # the error may quote the service's answer: text, not markup
                note=Markup("<p>%s</p>") % env._(
                    "Import of %(date)s: %(error)s Until then 'Key Rates Known Up To' stays at "
                    "its date and the interest after it stays provisional.",
                    date=format_date(env, today), error=error.text(env),
                ),
                user_id=user.id,
            )

    # ------------------------------------------------------------------
    # Penalties
    # ------------------------------------------------------------------

    def _debt_default_penalty_policy(self):
        return self.env.ref("auto_service_debt.debt_penalty_policy_key_rate", raise_if_not_found=False)

    debt_penalty_policy_id = fields.Many2one(
        "debt.penalty.policy",
        string="Default Penalty Policy",
        default=_debt_default_penalty_policy,
        domain="[('kind', '!=', 'contract'), ('company_id', 'in', [id, False])]",
        help="Applied to customers without their own penalty policy. A contractual "
        "penalty needs each customer's signed clause, so it is assigned per customer.",
    )
    debt_penalty_product_id = fields.Many2one(
        "product.product",
        string="Penalty Product",
        help="Product of the invoices that charge a contractual penalty (no VAT by default).",
    )
    debt_interest_product_id = fields.Many2one(
        "product.product",
        string="Interest Product",
        help="Product of the invoices that charge interest for the use of another's money "
        "(art. 395 of the Civil Code), which is not a penalty (no VAT by default).",
    )

    @api.constrains("debt_penalty_policy_id")
    def _check_debt_penalty_policy(self):
        for company in self:
            if company.debt_penalty_policy_id.kind == "contract":
                raise ValidationError(self.env._(
                    "%(company)s: the contractual penalty policy %(policy)s cannot be the "
                    "default, because it needs each customer's signed penalty clause. Choose "
                    "an art. 395 policy or no penalty as the default and assign %(policy)s to "
                    "the customers who signed.",
                    company=company.name, policy=company.debt_penalty_policy_id.display_name,
                ))

    def _debt_penalty_product(self, kind="contract"):
        """The product that invoices a charge of ``kind``: a contractual penalty
        (``contract``) or art. 395 interest (``key_rate``)."""
        self.ensure_one()
        if kind == "key_rate":
            return self.debt_interest_product_id or self.env.ref(
                "auto_service_debt.product_debt_interest", raise_if_not_found=False
            )
        return self.debt_penalty_product_id or self.env.ref(
            "auto_service_debt.product_debt_penalty", raise_if_not_found=False
        )

    @api.model
    def _debt_penalty_init_defaults(self):
        """At install: companies without a default policy charge art. 395 interest."""
        policy = self._debt_default_penalty_policy()
        if policy:
            self.sudo().search([("debt_penalty_policy_id", "=", False)]).write(
                {"debt_penalty_policy_id": policy.id}
            )
