from odoo import fields, models


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
