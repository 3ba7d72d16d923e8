"""Settings → Debt Control: the company settings of every feature."""

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_max_overdue_days = fields.Integer(
        related="company_id.debt_max_overdue_days", readonly=False
    )
    debt_max_overdue_amount = fields.Monetary(
        related="company_id.debt_max_overdue_amount",
        readonly=False,
        currency_field="currency_id",
    )
    debt_prepayment_percent = fields.Float(
        related="company_id.debt_prepayment_percent", readonly=False
    )
    debt_block_repair = fields.Boolean(
        related="company_id.debt_block_repair", readonly=False
    )
    debt_chain_block = fields.Boolean(related="company_id.debt_chain_block", readonly=False)
    debt_batch_size = fields.Integer(related="company_id.debt_batch_size", readonly=False)
    debt_claim_days_business = fields.Integer(
        related="company_id.debt_claim_days_business", readonly=False
    )
    debt_claim_days_individual = fields.Integer(
        related="company_id.debt_claim_days_individual", readonly=False
    )
    debt_court_order_limit = fields.Monetary(
        related="company_id.debt_court_order_limit", readonly=False
    )
    debt_claim_signatory_name = fields.Char(
        related="company_id.debt_claim_signatory_name", readonly=False
    )
    debt_claim_signatory_title = fields.Char(
        related="company_id.debt_claim_signatory_title", readonly=False
    )
    debt_plan_grace_days = fields.Integer(
        related="company_id.debt_plan_grace_days", readonly=False
    )
    debt_upcoming_days = fields.Integer(related="company_id.debt_upcoming_days", readonly=False)
    debt_upcoming_sms_template_id = fields.Many2one(
        related="company_id.debt_upcoming_sms_template_id", readonly=False)
    debt_installment_sms_template_id = fields.Many2one(
        related="company_id.debt_installment_sms_template_id", readonly=False)
    debt_230_limit_email = fields.Boolean(
        related="company_id.debt_230_limit_email", readonly=False
    )
    debt_bad_debt_account_id = fields.Many2one(
        related="company_id.debt_bad_debt_account_id", readonly=False
    )
    debt_collector_id = fields.Many2one(related="company_id.debt_collector_id", readonly=False)

    # Prepayment by payment-discipline grade
    debt_grade_rules = fields.Boolean(related="company_id.debt_grade_rules", readonly=False)
    debt_grade_c_prepayment = fields.Float(
        related="company_id.debt_grade_c_prepayment", readonly=False
    )
    debt_grade_d_prepayment = fields.Float(
        related="company_id.debt_grade_d_prepayment", readonly=False
    )

    # Penalties and key rates
    debt_penalty_policy_id = fields.Many2one(
        related="company_id.debt_penalty_policy_id", readonly=False
    )
    debt_penalty_product_id = fields.Many2one(
        related="company_id.debt_penalty_product_id", readonly=False
    )
    debt_interest_product_id = fields.Many2one(
        related="company_id.debt_interest_product_id", readonly=False
    )
    debt_key_rate_known_until = fields.Date(
        related="company_id.debt_key_rate_known_until", readonly=False
    )
    debt_key_rate_import = fields.Boolean(
        related="company_id.debt_key_rate_import", readonly=False
    )
