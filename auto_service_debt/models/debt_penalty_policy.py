"""Penalty policies: a contractual daily penalty, art. 395 interest, or nothing."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DebtPenaltyPolicy(models.Model):
    """What a late customer is charged. One kind per policy, so that a debt never bears
    both a contractual penalty and art. 395 interest (art. 395 §4)."""

    _name = "debt.penalty.policy"
    _description = "Penalty Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", index=True,
        help="Leave empty to share the policy between companies.",
    )
    kind = fields.Selection(
        [
            ("contract", "Contractual penalty (% per day)"),
            ("key_rate", "Interest at the key rate (art. 395)"),
            ("none", "No penalty"),
        ],
        required=True,
        default="key_rate",
        help="A contractual penalty applies only to customers who signed a penalty "
        "clause (art. 331 of the Civil Code). Art. 395 interest is owed by law.",
    )
    daily_percent = fields.Float(
        string="Rate per Day (%)", digits=(6, 4),
        help="Penalty per day of delay, in % of the unpaid amount (e.g. 0.1).",
    )
    cap_percent = fields.Float(
        string="Cap (% of principal)", digits=(6, 2),
        help="The penalty of one debt never exceeds this share of the principal. 0: no cap.",
    )
    grace_days = fields.Integer(
        help="The first days of delay are free; counting starts after them if the debt "
        "is still unpaid.",
    )
    note = fields.Text(string="Description", translate=True)

    _sql_constraints = [
        ("daily_percent_positive", "CHECK(daily_percent >= 0)", "The rate per day cannot be negative."),
        ("cap_percent_positive", "CHECK(cap_percent >= 0)", "The cap cannot be negative."),
        ("grace_days_positive", "CHECK(grace_days >= 0)", "Grace days cannot be negative."),
    ]

    @api.constrains("kind", "daily_percent")
    def _check_daily_percent(self):
        for policy in self:
            if policy.kind == "contract" and policy.daily_percent <= 0:
                raise ValidationError(self.env._(
                    "The contractual penalty policy %(policy)s needs a rate per day above 0 %%.",
                    policy=policy.display_name,
                ))

    @api.constrains("kind")
    def _check_kind_of_assigned_partners(self):
        contract = self.filtered(lambda p: p.kind == "contract")
        if not contract:
            return
        for company in self.env.companies:
            unsigned = self.env["res.partner"].with_company(company).search([
                ("debt_penalty_policy_id", "in", contract.ids),
                ("debt_penalty_clause_signed", "=", False),
            ], limit=1)
            if unsigned:
                unsigned._debt_raise_unsigned_clause(unsigned.debt_penalty_policy_id)
        defaults = self.env["res.company"].sudo().search(
            [("debt_penalty_policy_id", "in", contract.ids)], limit=1
        )
        if defaults:
            raise ValidationError(self.env._(
                "The policy %(policy)s is the default of %(company)s and cannot become a "
                "contractual penalty: a contractual penalty needs each customer's signed "
                "clause. Assign it to those customers instead.",
                policy=defaults.debt_penalty_policy_id.display_name, company=defaults.name,
            ))

    def _debt_params(self):
        """Parameters of :func:`..tools.penalty.compute_penalty` for this policy."""
        self.ensure_one()
        if self.kind == "contract":
            return {
                "daily_percent": f"{self.daily_percent:.4f}".rstrip("0").rstrip("."),
                "cap_percent": f"{self.cap_percent:.2f}",
                "grace_days": self.grace_days,
            }
        return {
            "cap_percent": f"{self.cap_percent:.2f}" if self.cap_percent else 0,
            "grace_days": self.grace_days,
        }
