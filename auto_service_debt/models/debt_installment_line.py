"""Installments of a plan: due date, amount and what has been paid on each."""



from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class DebtInstallmentLine(models.Model):
    """One installment of a plan: due date, amount and what has been paid on it."""

    _name = "debt.installment.line"
    _description = "Installment"
    _order = "plan_id, sequence, due_date, id"

    plan_id = fields.Many2one(
        "debt.installment.plan", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id", store=True)
    plan_state = fields.Selection(related="plan_id.state", string="Plan State")
    due_date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    is_down_payment = fields.Boolean(string="Down Payment")
    paid_amount = fields.Monetary(string="Paid", readonly=True, copy=False)
    left_amount = fields.Monetary(string="Left", compute="_compute_left", store=True)
    state = fields.Selection(
        [("open", "Open"), ("partial", "Partly Paid"), ("paid", "Paid")],
        compute="_compute_left",
        store=True,
    )
    is_late = fields.Boolean(
        string="Late", compute="_compute_is_late", search="_search_is_late",
        help="Due and not fully paid.",
    )

    @api.depends("plan_id.name", "due_date")
    def _compute_display_name(self):
        for line in self:
            line.display_name = "%s: %s" % (
                line.plan_id.name or "", format_date(self.env, line.due_date) if line.due_date else ""
            )

    @api.depends("amount", "paid_amount")
    def _compute_left(self):
        for line in self:
            currency = line.currency_id or line.plan_id.currency_id
            left = max(line.amount - line.paid_amount, 0.0)
            line.left_amount = currency.round(left) if currency else left
            if currency and currency.is_zero(line.left_amount) and line.amount:
                line.state = "paid"
            elif line.paid_amount > 0:
                line.state = "partial"
            else:
                line.state = "open"

    @api.depends("due_date", "left_amount")
    @api.depends_context("date")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.is_late = bool(line.due_date and line.due_date < today and line.left_amount > 0)

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on late installments."))
        today = fields.Date.context_today(self)
        domain = ["&", ("due_date", "<", today), ("left_amount", ">", 0)]
        positive = (operator == "=") == bool(value)
        return domain if positive else ["!"] + domain

    @api.model_create_multi
    def create(self, vals_list):
        self._debt_check_editable(self.env["debt.installment.plan"].browse(
            [vals["plan_id"] for vals in vals_list if vals.get("plan_id")]
        ))
        return super().create(vals_list)

    def write(self, vals):
        if {"due_date", "amount", "plan_id", "sequence", "is_down_payment"} & set(vals):
            self._debt_check_editable(self.plan_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self._debt_check_editable(self.plan_id)

    def _debt_check_editable(self, plans):
        fixed = plans.filtered(lambda p: p.state not in ("draft", "cancelled"))
        if fixed and not self.env.context.get("debt_plan_no_regenerate"):
            raise UserError(self.env._(
                "The schedule of installment plan %(plan)s is fixed once confirmed; cancel the "
                "plan and make a new one to change it.", plan=fixed[0].name))

    # ------------------------------------------------------------------ pay-now link

    def _debt_pay_url(self):
        """The pay-now link of this installment: it pays what is left of it."""
        self.ensure_one()
        return self.env["debt.pay.link"]._debt_url(self)

    def _debt_pay_target(self):
        """What the installment's link pays now: what is left of it, on the plan's open
        invoices (oldest first), while the plan runs."""
        self.ensure_one()
        plan = self.sudo().plan_id
        amount = self.left_amount if plan.state in ("active", "defaulted") else 0.0
        return self.env["debt.pay.link"]._debt_target(
            plan.partner_id, plan.company_id, plan.invoice_ids, amount,
            f"{plan.name} {format_date(self.env, self.due_date)}",
        )
