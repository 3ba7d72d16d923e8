"""Penalty policies: a contractual daily penalty, art. 395 interest, or nothing."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

PENALTY_TERMS = {"debt_penalty_policy_id", "debt_penalty_clause_signed", "debt_penalty_contract_ref"}


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


class ResPartner(models.Model):
    """The penalty terms agreed with a customer, per company."""

    _inherit = "res.partner"

    debt_penalty_policy_id = fields.Many2one(
        "debt.penalty.policy",
        string="Penalty Policy",
        company_dependent=True,
        domain="[('company_id', 'in', [current_company_id, False])]",
        help="Penalty or interest charged on this customer's late payments. Empty: the "
        "company's default policy.",
    )
    debt_penalty_clause_signed = fields.Boolean(
        string="Penalty Clause Signed",
        company_dependent=True,
        help="The customer signed a written penalty clause (art. 331 of the Civil Code); "
        "required for a contractual penalty.",
    )
    debt_penalty_contract_ref = fields.Char(
        string="Penalty Clause Contract",
        company_dependent=True,
        help="Contract (number and date) that contains the signed penalty clause.",
    )

    debt_penalty_open_amount = fields.Monetary(
        string="Penalties to Invoice", compute="_compute_debt_penalty_open_amount",
        currency_field="currency_id", groups="auto_service_debt.group_debt_user",
    )

    def _compute_debt_penalty_open_amount(self):
        commercial = self.commercial_partner_id
        totals = self.env["account.move.line"]._debt_penalty_accrued_totals(commercial, self.env.company)
        for partner in self:
            partner.debt_penalty_open_amount = totals.get(partner.commercial_partner_id.id, 0.0)

    def action_debt_open_penalties(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("auto_service_debt.action_debt_penalty")
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {"search_default_to_invoice": 1}
        return action

    def write(self, vals):
        # What really changes (not a form saved again, nor Odoo's merge of contacts).
        if (
            self._debt_changed_fields(vals, PENALTY_TERMS)
            and not self._debt_trusted_write()
            and not self.env.user.has_group("auto_service_debt.group_debt_manager")
        ):
            raise AccessError(self.env._(
                "Only a debt manager may change the penalty terms of %(partners)s.",
                partners=", ".join(self.mapped("display_name")),
            ))
        return super().write(vals)

    def _debt_raise_unsigned_clause(self, policy):
        raise ValidationError(self.env._(
            "%(partner)s has no signed penalty clause, so the contractual penalty policy "
            "%(policy)s cannot apply (art. 331 of the Civil Code requires it in writing). "
            "Tick 'Penalty Clause Signed' and enter the contract reference, or choose an "
            "art. 395 policy.",
            partner=self.display_name, policy=policy.display_name,
        ))

    @api.constrains("debt_penalty_policy_id", "debt_penalty_clause_signed", "debt_penalty_contract_ref")
    def _check_debt_penalty_clause(self):
        for partner in self:
            policy = partner.debt_penalty_policy_id
            if policy.kind != "contract":
                continue
            if not partner.debt_penalty_clause_signed:
                partner._debt_raise_unsigned_clause(policy)
            if not partner.debt_penalty_contract_ref:
                raise ValidationError(self.env._(
                    "%(partner)s: enter the reference of the contract with the signed "
                    "penalty clause to apply the policy %(policy)s.",
                    partner=partner.display_name, policy=policy.display_name,
                ))

    def _debt_effective_penalty_policy(self, company):
        """``{partner_id: policy}`` in ``company`` for commercial partners ``self``: their
        own policy, else the company default. A contractual policy without a signed
        clause (e.g. the flag was set for another company only) yields no policy.

        One narrow query for the company-dependent terms (no full partner records)."""
        if not self:
            return {}
        partners = self.with_company(company).sudo()
        fnames = ["debt_penalty_policy_id", "debt_penalty_clause_signed"]
        partners.flush_model(fnames)
        self.env.cr.execute(SQL(
            "SELECT rp.id, %s, %s FROM res_partner rp WHERE rp.id = ANY(%s)",
            *(partners._field_to_sql("rp", fname) for fname in fnames), self.ids,
        ))
        rows = self.env.cr.fetchall()
        default = company.debt_penalty_policy_id
        Policy = self.env["debt.penalty.policy"].with_context(active_test=False)
        # One recordset, so that the policies' fields are read together.
        policies = Policy.browse({policy_id for _pid, policy_id, _signed in rows if policy_id}) | default
        by_id = {policy.id: policy for policy in policies}
        result = {}
        for pid, policy_id, signed in rows:
            policy = by_id[policy_id] if policy_id else default
            if policy.kind == "contract" and not signed:
                policy = Policy
            result[pid] = policy
        return result


class ResCompany(models.Model):
    _inherit = "res.company"

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
        help="Product of the invoices that charge penalties and interest (no VAT by default).",
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

    def _debt_penalty_product(self):
        self.ensure_one()
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


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_penalty_policy_id = fields.Many2one(
        related="company_id.debt_penalty_policy_id", readonly=False
    )
    debt_penalty_product_id = fields.Many2one(
        related="company_id.debt_penalty_product_id", readonly=False
    )
    debt_key_rate_known_until = fields.Date(
        related="company_id.debt_key_rate_known_until", readonly=False
    )
