from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.res_company import DEBT_SETTINGS_FIELDS


class DebtConfigWizard(models.TransientModel):
    """The Debt Control settings of the current company for Debt Managers, who need not
    be Odoo administrators: only these fields are written, with the manager's check."""

    _name = "debt.config.wizard"
    _description = "Debt Control Settings"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    debt_max_overdue_days = fields.Integer(
        string="Allowed Overdue Days",
        help="A customer whose oldest overdue item is older than this many days is "
        "blocked. 0 blocks on any overdue item.",
    )
    debt_max_overdue_amount = fields.Monetary(
        string="Allowed Overdue Amount",
        help="A customer whose overdue amount exceeds this is blocked. 0: any amount.",
    )
    debt_prepayment_percent = fields.Float(
        string="Default Prepayment (%)",
        help="Share of a new order that must be paid before it is confirmed, "
        "for customers without their own terms.",
    )
    debt_block_repair = fields.Boolean(
        string="Block Repair Orders",
        help="Apply the service block when repair orders are confirmed or started.",
    )
    debt_chain_block = fields.Boolean(
        string="Block for Overdue Debt in Other Shops of the Chain",
        help="A customer whose debt in the other companies of this database (the other shops "
        "of the chain, keeping their books in the same currency) is overdue longer than the "
        "days, or by more than the amount, allowed here is blocked here too. The banners "
        "and the block message show that debt whatever this setting.",
    )
    debt_collector_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        domain=lambda self: (
            "[('share', '=', False), ('company_ids', 'in', company_id), ('groups_id', 'in', %s)]"
            % self.env.ref("auto_service_debt.group_debt_collector").ids
        ),
        help="Responsible of the collection cases and reminders of customers without a "
        "salesperson. Empty: the invoice's salesperson, else the user of the daily run.",
    )
    debt_claim_days_business = fields.Integer(string="Claim Deadline for Businesses (days)")
    debt_claim_days_individual = fields.Integer(string="Claim Deadline for Individuals (days)")
    debt_court_order_limit = fields.Monetary(
        string="Court Order Limit", currency_field="currency_id",
        help="An individual's debt up to this amount is recovered by a court order "
        "(судебный приказ) at a magistrate; above it by a statement of claim.",
    )
    debt_claim_signatory_name = fields.Char(string="Claim Signatory")
    debt_claim_signatory_title = fields.Char(string="Signatory Title")
    debt_plan_grace_days = fields.Integer(
        string="Installment Grace Days",
        help="An installment unpaid more than this many days after its due date "
        "defaults the installment plan at the daily run.",
    )
    debt_upcoming_days = fields.Integer(
        string="Upcoming Payment Reminder (days before due)",
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
        check_company=True,
        help="Expense account proposed when a debt is written off.",
    )
    debt_penalty_policy_id = fields.Many2one(
        "debt.penalty.policy",
        string="Default Penalty Policy",
        domain="[('kind', '!=', 'contract'), ('company_id', 'in', [company_id, False])]",
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
    debt_key_rate_known_until = fields.Date(
        string="Key Rates Known Up To",
        help="Last day for which the key-rate table is known to be complete. Interest "
        "for later days is never assumed: it stops at this date and is marked provisional "
        "until a manager adds the new rates or moves this date after checking the Bank "
        "of Russia's site.",
    )
    debt_key_rate_import = fields.Boolean(
        string="Import Key Rates from the Bank of Russia",
        help="Every week the key rates published by the Bank of Russia (its DailyInfo "
        "web service) are added to the table and 'Key Rates Known Up To' moves to the last "
        "day published. A failure changes nothing and is told to the debt managers. Off: "
        "the managers keep the table and the date by hand.",
    )
    debt_grade_rules = fields.Boolean(
        string="Prepayment by Discipline Grade",
        help="Require a prepayment from customers with a poor payment-discipline grade.",
    )
    debt_grade_c_prepayment = fields.Float(string="Prepayment for Grade C (%)")
    debt_grade_d_prepayment = fields.Float(string="Prepayment for Grade D (%)")
    debt_batch_size = fields.Integer(
        string="Daily Run Batch Size",
        help="Number of customers processed and committed at a time by the daily run.",
    )

    @api.depends("company_id")
    def _compute_display_name(self):
        # The screen's title (the breadcrumb), not "New"
        for wizard in self:
            wizard.display_name = self.env._("Debt Control Settings")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        for name in DEBT_SETTINGS_FIELDS:
            if name in fields_list:
                value = company[name]
                values[name] = value.id if isinstance(value, models.BaseModel) else value
        return values

    def _debt_check_manager(self):
        if not self.env.user.has_group("auto_service_debt.group_debt_manager"):
            raise AccessError(self.env._(
                "Only a Debt Manager may change the Debt Control settings or start the daily run."
            ))
        if self.company_id and self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._(
                "You may not change the settings of %(company)s.", company=self.company_id.name
            ))

    @api.model_create_multi
    def create(self, vals_list):
        # Saving the form (its Save button, the form's own save, leaving the page) is
        # saving the settings.
        wizards = super().create(vals_list)
        wizards._debt_apply()
        return wizards

    def write(self, vals):
        res = super().write(vals)
        if set(vals) & set(DEBT_SETTINGS_FIELDS):
            self._debt_apply()
        return res

    def action_save(self):
        self.ensure_one()
        self._debt_apply()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Debt Control settings of %(company)s saved.", company=self.company_id.name
                ),
            },
        }

    def _debt_apply(self):
        """Write the settings on the company (with sudo: changing them does not need the
        rights on the rest of the company's record), after the manager's check and the
        validation of every value; nothing is written when one is refused."""
        for wizard in self:
            wizard._debt_check_manager()
            company = wizard.company_id.sudo()
            values = wizard._convert_to_write({name: wizard[name] for name in DEBT_SETTINGS_FIELDS})
            company._debt_check_settings(values)
            changed = {
                name: value for name, value in values.items()
                if company._fields[name].convert_to_write(company[name], company) != value
            }
            if not changed:
                continue
            # the stored flags follow a change of the limits at the end of the transaction
            company.write(changed)

    def action_run_now(self):
        """Start the scheduled daily run now (a Debt Manager's button)."""
        self._debt_check_manager()
        return self.env["debt.daily.run"].action_run_now()
