from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class DebtInstallmentPlanWizard(models.TransientModel):
    """Start an installment plan from selected invoices or from a customer."""

    _name = "debt.installment.plan.wizard"
    _description = "Create Installment Plan"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('amount_residual', '>', 0), ('commercial_partner_id', '=', partner_id), "
        "('currency_id', '=', currency_id)]",
    )
    amount_invoices = fields.Monetary(
        string="Open Amount", compute="_compute_amount_invoices"
    )
    penalty_amount = fields.Monetary(string="Accrued Penalties")
    down_payment_amount = fields.Monetary(string="Down Payment")
    down_payment_date = fields.Date(default=fields.Date.context_today)
    installment_count = fields.Integer(string="Number of Installments", default=6)
    interval = fields.Selection(
        [("weeks", "Weeks"), ("months", "Months")], required=True, default="months"
    )
    first_due_date = fields.Date(required=True)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        ctx = self.env.context
        active_ids = ctx.get("active_ids") or ([ctx["active_id"]] if ctx.get("active_id") else [])
        if ctx.get("active_model") == "account.move" and active_ids:
            invoices = self.env["account.move"].browse(active_ids)
            partners = invoices.commercial_partner_id
            if len(partners) > 1:
                raise UserError(self.env._(
                    "The selected invoices belong to several customers (%(partners)s): an "
                    "installment plan covers the debt of one customer; select the invoices of "
                    "one customer.", partners=", ".join(partners.mapped("display_name"))))
            res.update(
                partner_id=partners.id,
                invoice_ids=[(6, 0, invoices.ids)],
                currency_id=invoices.currency_id[:1].id or res.get("currency_id"),
                company_id=invoices.company_id[:1].id or res.get("company_id"),
            )
        elif ctx.get("active_model") == "res.partner" and active_ids:
            partner = self.env["res.partner"].browse(active_ids[:1]).commercial_partner_id
            company = self.env.company
            res.update(partner_id=partner.id, invoice_ids=[(6, 0, self._default_invoices(
                partner, company, company.currency_id).ids)])
        return res

    @api.model
    def _default_invoices(self, partner, company, currency):
        """The customer's overdue invoices not yet in a live plan (all open ones when
        nothing is overdue)."""
        open_invoices = self.env["account.move"].search([
            ("commercial_partner_id", "=", partner.id),
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("amount_residual", ">", 0),
            ("currency_id", "=", currency.id),
        ])
        covered = self.env["debt.installment.plan"].sudo().search([
            ("state", "in", ("draft", "active")), ("invoice_ids", "in", open_invoices.ids)
        ]).invoice_ids
        open_invoices -= covered
        today = fields.Date.context_today(self)
        overdue = open_invoices.filtered(
            lambda m: m.invoice_date_due and m.invoice_date_due < today
        )
        return overdue or open_invoices

    @api.depends("invoice_ids")
    def _compute_amount_invoices(self):
        for wizard in self:
            wizard.amount_invoices = sum(wizard.invoice_ids.mapped("amount_residual"))

    def action_create_plan(self):
        self.ensure_one()
        Plan = self.env["debt.installment.plan"]
        partner = self.partner_id.commercial_partner_id
        # Checked before anything is written, with the same messages as the plan.
        errors = Plan._debt_invoice_errors(self.invoice_ids, partner, self.currency_id)
        errors += Plan._debt_terms_errors(
            self.currency_id.round(self.amount_invoices + self.penalty_amount),
            self.installment_count, self.down_payment_amount, self.first_due_date,
            self.down_payment_date, self.penalty_amount, self.currency_id,
        )
        if errors:
            raise ValidationError("\n".join(errors))
        plan = Plan.create({
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "invoice_ids": [(6, 0, self.invoice_ids.ids)],
            "penalty_amount": self.penalty_amount,
            "down_payment_amount": self.down_payment_amount,
            "down_payment_date": self.down_payment_date if self.down_payment_amount else False,
            "installment_count": self.installment_count,
            "interval": self.interval,
            "first_due_date": self.first_due_date,
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": "debt.installment.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "target": "current",
        }
