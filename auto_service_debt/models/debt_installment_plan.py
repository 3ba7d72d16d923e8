"""Installment plans (рассрочка): an overdue debt restructured into a signed schedule
that the system enforces through payment allocation and the daily run."""

from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date, formatLang

from ..tools import schedule

LIVE_STATES = ("draft", "active")
SCHEDULE_FIELDS = {
    "invoice_ids",
    "penalty_amount",
    "down_payment_amount",
    "down_payment_date",
    "installment_count",
    "interval",
    "first_due_date",
}


class DebtInstallmentPlan(models.Model):
    """A customer's open invoices (and accrued penalties) paid off along a schedule."""

    _name = "debt.installment.plan"
    _description = "Installment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("done", "Paid"),
            ("defaulted", "Defaulted"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    date = fields.Date(
        string="Agreement Date", required=True, default=fields.Date.context_today, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        domain="[('is_company', '=', True)]",
        check_company=True,
        help="The commercial customer who owes the debt and signs the agreement.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        help="All covered invoices must be in this currency.",
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "debt_installment_plan_move_rel",
        "plan_id",
        "move_id",
        string="Covered Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('amount_residual', '>', 0), ('commercial_partner_id', '=', partner_id), "
        "('currency_id', '=', currency_id)]",
        help="Posted customer invoices with an open amount that the plan pays off.",
    )
    amount_invoices = fields.Monetary(
        string="Invoices Open Amount",
        readonly=True,
        help="Open amount of the covered invoices when the schedule was made "
        "(frozen when the plan is confirmed).",
    )
    penalty_amount = fields.Monetary(
        string="Accrued Penalties",
        tracking=True,
        help="Accrued penalties included in the plan. They must be invoiced for their "
        "payments to count against the schedule.",
    )
    amount_total = fields.Monetary(
        string="Total", compute="_compute_amount_total", store=True, tracking=True
    )
    down_payment_amount = fields.Monetary(
        string="Down Payment", help="Paid first, on the down payment date."
    )
    down_payment_date = fields.Date(help="Due date of the down payment (default: today).")
    installment_count = fields.Integer(string="Number of Installments", default=6)
    interval = fields.Selection(
        [("weeks", "Weeks"), ("months", "Months")], required=True, default="months"
    )
    first_due_date = fields.Date(
        help="Due date of the first installment; later ones follow every week or month "
        "(a month-end date stays at month end).",
    )
    line_ids = fields.One2many(
        "debt.installment.line", "plan_id", string="Schedule", copy=False
    )
    amount_paid = fields.Monetary(
        string="Paid",
        readonly=True,
        copy=False,
        help="Paid on the covered invoices since the plan was confirmed.",
    )
    amount_left = fields.Monetary(
        string="Left", compute="_compute_amount_left", store=True
    )
    confirmed_residual = fields.Monetary(
        string="Open Amount at Confirmation",
        readonly=True,
        copy=False,
        help="Open amount of the covered invoices when the plan was confirmed; "
        "payments are measured from it.",
    )
    confirmed_residuals = fields.Json(
        readonly=True, copy=False, help="Open amount of each covered invoice at confirmation."
    )
    confirmed_date = fields.Date(readonly=True, copy=False)
    defaulted_date = fields.Date(readonly=True, copy=False, tracking=True)
    late_line_count = fields.Integer(string="Late Installments", compute="_compute_late")
    has_late_lines = fields.Boolean(
        string="Has Late Installments",
        compute="_compute_late",
        search="_search_has_late_lines",
        help="Active plan with an installment due and not fully paid.",
    )
    next_due_date = fields.Date(compute="_compute_late", string="Next Due Date")
    grace_days = fields.Integer(related="company_id.debt_plan_grace_days")
    note = fields.Html(string="Notes")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The reference of an installment plan must be unique per company.",
        )
    ]

    # ------------------------------------------------------------------ computes

    @api.depends("amount_invoices", "penalty_amount")
    def _compute_amount_total(self):
        for plan in self:
            plan.amount_total = plan.currency_id.round(plan.amount_invoices + plan.penalty_amount)

    @api.depends("amount_total", "amount_paid")
    def _compute_amount_left(self):
        for plan in self:
            plan.amount_left = max(plan.currency_id.round(plan.amount_total - plan.amount_paid), 0.0)

    @api.depends("line_ids.due_date", "line_ids.left_amount", "state")
    @api.depends_context("date")
    def _compute_late(self):
        today = fields.Date.context_today(self)
        for plan in self:
            open_lines = plan.line_ids.filtered(lambda line: line.left_amount > 0)
            plan.late_line_count = (
                len(open_lines.filtered(lambda line: line.due_date < today))
                if plan.state == "active"
                else 0
            )
            plan.has_late_lines = bool(plan.late_line_count)
            plan.next_due_date = min(open_lines.mapped("due_date"), default=False)

    def _search_has_late_lines(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on late installments."))
        positive = (operator == "=") == bool(value)
        today = fields.Date.context_today(self)
        late = self.env["debt.installment.line"]._search(
            [("due_date", "<", today), ("left_amount", ">", 0), ("plan_id.state", "=", "active")]
        )
        return [("line_ids", "in" if positive else "not in", late)]

    # ------------------------------------------------------------ create/write

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
            if vals.get("name", "/") == "/":
                # Numbered before the insert: plans created together (one create, or
                # several without a flush) never share the placeholder reference.
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "debt.installment.plan",
                    sequence_date=vals.get("date") or fields.Date.context_today(self),
                ) or "/"
        plans = super().create(vals_list)
        for plan, vals in zip(plans, vals_list, strict=True):
            plan._debt_refresh_invoice_amount()
            if not vals.get("line_ids"):
                plan._debt_generate_lines()
        plans._debt_check_plan()
        return plans

    def write(self, vals):
        self._debt_check_state_write(vals)
        if vals.get("partner_id"):
            vals["partner_id"] = (
                self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
            )
        res = super().write(vals)
        if SCHEDULE_FIELDS & set(vals) and not self.env.context.get("debt_plan_no_regenerate"):
            drafts = self.filtered(lambda p: p.state == "draft")
            for plan in drafts:
                plan._debt_refresh_invoice_amount()
                # Explicitly edited lines are kept; otherwise the schedule follows its terms.
                if "line_ids" not in vals:
                    plan._debt_generate_lines()
        checked = SCHEDULE_FIELDS | {"line_ids", "partner_id", "currency_id"}
        if checked & set(vals) and not self.env.context.get(
            "debt_plan_no_regenerate"
        ):
            self._debt_check_plan()
        if "state" in vals:
            self._debt_mark_customers()
        return res

    def _debt_check_state_write(self, vals):
        """Only managers change the state of a plan, except a collector cancelling a draft:
        a direct write (RPC) must not get around the confirmation rights."""
        if "state" not in vals or self.env.su or self._debt_is_manager():
            return
        if vals["state"] == "cancelled" and all(p.state == "draft" for p in self):
            return
        raise AccessError(
            self.env._(
                "Only a debt manager can change the state of installment plans %(plans)s.",
                plans=", ".join(self.mapped("name")),
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_cancelled(self):
        for plan in self:
            if plan.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "Installment plan %(plan)s is %(state)s and cannot be deleted; "
                        "cancel it instead.",
                        plan=plan.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            plan.state
                        ],
                    )
                )

    def _debt_is_manager(self):
        return self.env.user.has_group("auto_service_debt.group_debt_manager")

    # -------------------------------------------------------------- schedule

    def _debt_refresh_invoice_amount(self):
        for plan in self:
            plan.amount_invoices = plan.currency_id.round(
                sum(plan.invoice_ids.mapped("amount_residual"))
            )

    def _debt_schedule_values(self):
        """Line values of the schedule generated from the plan's terms."""
        self.ensure_one()
        if not self.first_due_date or self.installment_count <= 0 or self.amount_total <= 0:
            return []
        if self.down_payment_amount < 0 or self.down_payment_amount >= self.amount_total:
            return []
        try:
            rows = schedule.generate_schedule(
                self.amount_total,
                self.installment_count,
                self.first_due_date,
                self.interval,
                down_payment=self.down_payment_amount,
                down_payment_date=self.down_payment_date or fields.Date.context_today(self),
                digits=self.currency_id.decimal_places,
            )
        except ValueError:
            return []
        return [
            {"sequence": index, "due_date": due, "amount": amount, "is_down_payment": is_down}
            for index, (due, amount, is_down) in enumerate(rows, start=1)
        ]

    def _debt_generate_lines(self):
        for plan in self:
            plan.with_context(debt_plan_no_regenerate=True).line_ids = [Command.clear()] + [
                Command.create(vals) for vals in plan._debt_schedule_values()
            ]

    @api.onchange(*SCHEDULE_FIELDS)
    def _onchange_schedule_terms(self):
        if self.state != "draft":
            return
        self.amount_invoices = self.currency_id.round(
            sum(self.invoice_ids.mapped("amount_residual"))
        )
        self.line_ids = [Command.clear()] + [
            Command.create(vals) for vals in self._debt_schedule_values()
        ]

    def action_generate_lines(self):
        """Rebuild the schedule from the terms, dropping manual edits."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._("Installment plan %(plan)s is not a draft: its schedule is fixed.",
                               plan=plan.name)
                )
        self._debt_refresh_invoice_amount()
        self._debt_generate_lines()
        self._debt_check_plan()
        return True

    # ------------------------------------------------------------ validation

    @api.model
    def _debt_invoice_errors(self, invoices, partner, currency, exclude_plans=None):
        """Messages explaining why ``invoices`` cannot be covered by a plan of ``partner``
        in ``currency`` (empty when they can). Shared by the plan and the wizard."""
        errors = []
        fmt = lambda amount: formatLang(self.env, amount, currency_obj=currency)  # noqa: E731
        for inv in invoices:
            name = inv.name if inv.name and inv.name != "/" else inv.display_name
            if inv.move_type != "out_invoice":
                errors.append(self.env._(
                    "%(invoice)s is not a customer invoice: remove it from the plan.",
                    invoice=name))
            elif inv.state != "posted":
                errors.append(self.env._(
                    "Invoice %(invoice)s is %(state)s, not posted: post it or remove it "
                    "from the plan.",
                    invoice=name,
                    state=dict(inv._fields["state"]._description_selection(self.env))[inv.state]))
            elif inv.currency_id.compare_amounts(inv.amount_residual, 0) <= 0:
                errors.append(self.env._(
                    "Invoice %(invoice)s is already paid (open amount %(amount)s): remove it "
                    "from the plan.",
                    invoice=name, amount=fmt(inv.amount_residual)))
            if partner and inv.commercial_partner_id != partner.commercial_partner_id:
                errors.append(self.env._(
                    "Invoice %(invoice)s belongs to %(other)s, not to %(partner)s: remove it "
                    "from the plan.",
                    invoice=name, other=inv.commercial_partner_id.display_name,
                    partner=partner.display_name))
            if currency and inv.currency_id != currency:
                errors.append(self.env._(
                    "Invoice %(invoice)s is in %(inv_currency)s but the plan is in "
                    "%(currency)s: one plan covers invoices of one currency; make a separate "
                    "plan for it.",
                    invoice=name, inv_currency=inv.currency_id.name, currency=currency.name))
        if invoices:
            domain = [("state", "in", LIVE_STATES), ("invoice_ids", "in", invoices.ids)]
            if exclude_plans:
                domain.append(("id", "not in", exclude_plans.ids))
            others = self.sudo().search(domain)
            for other in others:
                for inv in other.invoice_ids & invoices:
                    errors.append(self.env._(
                        "Invoice %(invoice)s is already covered by installment plan %(plan)s "
                        "(%(state)s): cancel that plan or remove the invoice from it first.",
                        invoice=inv.name, plan=other.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            other.state]))
        return errors

    @api.model
    def _debt_terms_errors(self, total, count, down_payment, first_due_date, down_payment_date,
                           penalty, currency, today=None):
        """Messages about the terms of a plan (amounts and dates)."""
        today = today or fields.Date.context_today(self)
        fmt = lambda amount: formatLang(self.env, amount, currency_obj=currency)  # noqa: E731
        errors = []
        if currency.compare_amounts(total, 0) <= 0:
            errors.append(self.env._(
                "The plan total is %(amount)s: it must be positive; add open invoices or "
                "penalties.", amount=fmt(total)))
        if count <= 0:
            errors.append(self.env._(
                "The number of installments is %(count)s: it must be at least 1.", count=count))
        if currency.compare_amounts(penalty, 0) < 0:
            errors.append(self.env._(
                "The accrued penalties are %(amount)s: they cannot be negative.",
                amount=fmt(penalty)))
        if currency.compare_amounts(down_payment, 0) < 0:
            errors.append(self.env._(
                "The down payment is %(amount)s: it cannot be negative.", amount=fmt(down_payment)))
        elif currency.compare_amounts(total, 0) > 0 and currency.compare_amounts(
            down_payment, total
        ) >= 0:
            errors.append(self.env._(
                "The down payment %(down)s is not less than the total %(total)s: lower it or "
                "do without a plan.", down=fmt(down_payment), total=fmt(total)))
        if not first_due_date:
            errors.append(self.env._("Set the due date of the first installment."))
        elif first_due_date < today:
            errors.append(self.env._(
                "The first due date %(date)s is in the past: choose today or a later date.",
                date=format_date(self.env, first_due_date)))
        if down_payment_date and down_payment_date < today:
            errors.append(self.env._(
                "The down payment date %(date)s is in the past: choose today or a later date.",
                date=format_date(self.env, down_payment_date)))
        return errors

    def _debt_line_errors(self):
        self.ensure_one()
        fmt = lambda amount: formatLang(self.env, amount, currency_obj=self.currency_id)  # noqa: E731
        lines = self.line_ids.sorted(lambda line: (line.sequence, line.id))
        rows = [(line.due_date, line.amount) for line in lines]
        errors = []
        for code, index, value in schedule.schedule_errors(
            rows, self.amount_total, self.currency_id.decimal_places
        ):
            if code == "empty":
                errors.append(self.env._(
                    "Installment plan %(plan)s has no schedule: set the number of installments "
                    "and the first due date, or add lines.", plan=self.name))
            elif code == "amount":
                errors.append(self.env._(
                    "Installment %(number)s of plan %(plan)s is %(amount)s: every installment "
                    "must be positive.", number=index + 1, plan=self.name, amount=fmt(value)))
            elif code == "order":
                errors.append(self.env._(
                    "Installment %(number)s of plan %(plan)s is due on %(date)s, not after the "
                    "previous one: put the lines in date order.",
                    number=index + 1, plan=self.name, date=format_date(self.env, value)))
            elif code == "sum":
                errors.append(self.env._(
                    "The installments of plan %(plan)s sum to %(sum)s but the plan total is "
                    "%(total)s (difference %(difference)s): adjust the amounts.",
                    plan=self.name, sum=fmt(self.amount_total - value),
                    total=fmt(self.amount_total), difference=fmt(value)))
        return errors

    def _debt_check_plan(self):
        """Refuse a draft plan whose invoices, terms or schedule are wrong."""
        messages = []
        for plan in self.filtered(lambda p: p.state == "draft"):
            messages += self._debt_invoice_errors(
                plan.invoice_ids, plan.partner_id, plan.currency_id, exclude_plans=plan
            )
            messages += self._debt_terms_errors(
                plan.amount_total, plan.installment_count, plan.down_payment_amount,
                plan.first_due_date, plan.down_payment_date, plan.penalty_amount,
                plan.currency_id,
            )
            if not messages:
                messages += plan._debt_line_errors()
        if messages:
            raise ValidationError("\n".join(messages))

    # ----------------------------------------------------------------- states

    def action_confirm(self):
        """Manager only: freeze the schedule and take the covered invoices out of the
        block and the dunning while the plan is kept."""
        if not self.env.su and not self._debt_is_manager():
            raise AccessError(self.env._("Only a debt manager can confirm installment plans."))
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._(
                    "Installment plan %(plan)s is not a draft; only drafts are confirmed.",
                    plan=plan.name))
            residual = plan.currency_id.round(sum(plan.invoice_ids.mapped("amount_residual")))
            if plan.currency_id.compare_amounts(residual, plan.amount_invoices):
                raise UserError(self.env._(
                    "The open amount of the invoices of plan %(plan)s changed from %(old)s to "
                    "%(new)s since the schedule was made: recompute the schedule and confirm "
                    "again.",
                    plan=plan.name,
                    old=formatLang(self.env, plan.amount_invoices, currency_obj=plan.currency_id),
                    new=formatLang(self.env, residual, currency_obj=plan.currency_id)))
        self._debt_check_plan()
        today = fields.Date.context_today(self)
        for plan in self:
            plan.write({
                "state": "active",
                "confirmed_date": today,
                "confirmed_residual": plan.amount_invoices,
                "confirmed_residuals": {
                    str(inv.id): inv.amount_residual for inv in plan.invoice_ids
                },
                "amount_paid": 0.0,
            })
        self.invoice_ids.sudo().write({"debt_in_plan": True})
        return True

    def action_cancel(self):
        for plan in self:
            if plan.state not in ("draft", "active"):
                raise UserError(self.env._(
                    "Installment plan %(plan)s is already closed.", plan=plan.name))
            if plan.state == "active" and not self.env.su and not self._debt_is_manager():
                raise AccessError(self.env._(
                    "Only a debt manager can cancel the active installment plan %(plan)s.",
                    plan=plan.name))
        self.sudo().write({"state": "cancelled"})
        self._debt_release_invoices()
        return True

    def action_draft(self):
        if not self.env.su and not self._debt_is_manager():
            raise AccessError(self.env._("Only a debt manager can reset installment plans."))
        for plan in self:
            if plan.state != "cancelled":
                raise UserError(self.env._(
                    "Only a cancelled plan can be reset to draft; %(plan)s is not cancelled.",
                    plan=plan.name))
        self.write({"state": "draft", "confirmed_date": False, "defaulted_date": False,
                    "amount_paid": 0.0, "confirmed_residual": 0.0})
        self.line_ids.write({"paid_amount": 0.0})
        return True

    def _debt_release_invoices(self, today=None):
        """Invoices of closed plans count as ordinary debt again, unless another active
        plan still covers them."""
        invoices = self.invoice_ids
        if not invoices:
            return
        still = self.sudo().search(
            [("state", "=", "active"), ("invoice_ids", "in", invoices.ids), ("id", "not in", self.ids)]
        ).invoice_ids
        (invoices - still).sudo().write({"debt_in_plan": False})

    def _debt_mark_customers(self):
        """The event of a plan (confirmed, defaulted, cancelled, done): its customer's
        cases and flag follow at the settle step."""
        self.env["debt.partner.status"]._debt_mark_records(self)

    # ------------------------------------------------------------ allocation

    def _debt_recompute_allocation(self):
        """Allocate what has been paid on the covered invoices since confirmation to the
        lines in due-date order; close plans that are fully paid."""
        plans = self.sudo().filtered(lambda p: p.state in ("active", "defaulted"))
        if not plans:
            return
        done = plans.browse()
        for plan in plans:
            currency = plan.currency_id
            residual = sum(plan.invoice_ids.mapped("amount_residual"))
            paid = currency.round(max(plan.confirmed_residual - residual, 0.0))
            if currency.compare_amounts(paid, plan.amount_paid):
                plan.amount_paid = paid
            lines = plan.line_ids.sorted(lambda line: (line.due_date, line.sequence, line.id))
            allocation = schedule.allocate(paid, lines.mapped("amount"), currency.decimal_places)
            for line, line_paid in zip(lines, allocation, strict=True):
                if currency.compare_amounts(line.paid_amount, line_paid):
                    line.paid_amount = line_paid
            if plan.state == "active" and all(
                currency.is_zero(line.left_amount) for line in lines
            ) and currency.compare_amounts(plan.amount_left, 0) <= 0:
                done |= plan
        if done:
            done.write({"state": "done"})
            done._debt_release_invoices()

    @api.model
    def _debt_plans_of_moves(self, moves):
        if not moves:
            return self.browse()
        return self.sudo().search(
            [("state", "in", ("active", "defaulted")), ("invoice_ids", "in", moves.ids)]
        )

    # -------------------------------------------------------------- daily run

    @api.model
    def _debt_daily_candidates(self, company, today, code):
        self.flush_model(["state", "company_id", "partner_id"])
        self.env.cr.execute(SQL(
            """
            SELECT DISTINCT partner_id FROM debt_installment_plan
             WHERE company_id = %s AND state = 'active'
            """,
            company.id,
        ))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _debt_daily_plans(self, partners, company, today):
        """Daily step: allocate payments, then default the active plans with a line left
        unpaid longer than the grace days. Idempotent: a defaulted plan is not active."""
        plans = self.sudo().search([
            ("company_id", "=", company.id),
            ("partner_id", "in", partners.ids),
            ("state", "=", "active"),
        ])
        plans._debt_recompute_allocation()
        plans = plans.filtered(lambda p: p.state == "active")
        limit = today - timedelta(days=max(company.debt_plan_grace_days, 0))
        late = plans.line_ids.filtered(
            lambda line: line.due_date < limit and not line.currency_id.is_zero(line.left_amount)
        )
        late.plan_id._debt_default(today)

    def _debt_default(self, today):
        """The plan is broken: its remaining debt is due at once and blocks again."""
        plans = self.filtered(lambda p: p.state == "active")
        if not plans:
            return
        plans.write({"state": "defaulted", "defaulted_date": today})
        for plan in plans:
            late = plan.line_ids.filtered(
                lambda line: line.due_date < today and not line.currency_id.is_zero(line.left_amount)
            ).sorted("due_date")
            first = late[:1]
            plan._message_log(
                body=self.env._(
                    "Plan defaulted on %(date)s: installment due %(due)s is unpaid "
                    "(%(left)s left) beyond the %(days)s grace days. The remaining "
                    "%(remaining)s is due at once.",
                    date=format_date(self.env, today),
                    due=format_date(self.env, first.due_date) if first else "",
                    left=formatLang(self.env, first.left_amount, currency_obj=plan.currency_id),
                    days=plan.company_id.debt_plan_grace_days,
                    remaining=formatLang(self.env, plan.amount_left, currency_obj=plan.currency_id),
                ),
            )
        plans._debt_release_invoices(today)
        plans._debt_after_default()

    def _debt_after_default(self):
        """The collection workflow escalates the customer's case."""
        self.env["debt.collection.case"].sudo()._debt_on_plan_defaulted(self)

    @api.model
    def _debt_late_lines(self, company, today):
        """Installments of active plans that are due and unpaid (within the grace days):
        the dunning reminds them instead of the covered invoices."""
        return self.env["debt.installment.line"].sudo().search([
            ("company_id", "=", company.id),
            ("plan_id.state", "=", "active"),
            ("due_date", "<", today),
            ("left_amount", ">", 0),
        ])

    # ---------------------------------------------------------------- document

    def _get_agreement_values(self):
        """Everything the printed agreement shows, as plain values; dates and amounts
        are also given formatted in the customer's language."""
        self.ensure_one()
        plan = self.with_context(lang=self.partner_id.lang or self.env.lang)
        env, currency = plan.env, self.currency_id
        company, partner = self.company_id, self.partner_id

        label = self.env["debt.claim"]._debt_currency_label(currency, partner.lang)

        def money(amount):
            return f"{formatLang(env, amount)}\N{NO-BREAK SPACE}{label}"

        def day(value):
            return format_date(env, value) if value else ""

        def address(record):
            return ", ".join(
                part for part in (record.zip, record.state_id.name, record.city, record.street,
                                  record.street2)
                if part
            )

        invoices = []
        for inv in self.invoice_ids.sorted(lambda m: (m.invoice_date or m.date, m.id)):
            # The debt covered is the open amount when the plan was confirmed, not today's.
            covered = (
                inv.amount_residual
                if self.state == "draft"
                else (self.confirmed_residuals or {}).get(str(inv.id), inv.amount_residual)
            )
            invoices.append({
                "name": inv.name,
                "date": inv.invoice_date,
                "date_str": day(inv.invoice_date),
                "due_date": inv.invoice_date_due,
                "due_date_str": day(inv.invoice_date_due),
                "amount": inv.amount_total,
                "amount_str": money(inv.amount_total),
                "covered": covered,
                "covered_str": money(covered),
            })
        lines = []
        ordered = self.line_ids.sorted(lambda line: (line.due_date, line.sequence, line.id))
        Claim = self.env["debt.claim"]
        for number, line in enumerate(ordered, start=1):
            purpose = plan.env._("Installment %(number)s under agreement %(plan)s", number=number, plan=self.name)
            lines.append({
                "payment": Claim._debt_bank_values(company, line.amount, purpose, partner),
                "number": number,
                "due_date": line.due_date,
                "due_date_str": day(line.due_date),
                "amount": line.amount,
                "amount_str": money(line.amount),
                "is_down_payment": line.is_down_payment,
            })
        fields_ = company._fields
        return {
            "name": self.name,
            "date": self.date,
            "date_str": day(self.date),
            "company": {
                "name": company.name,
                "address": address(company.partner_id),
                "vat": company.vat or "",
            },
            "partner": {
                "name": partner.name,
                "address": address(partner),
                "vat": partner.vat or "",
            },
            "currency": self.env["debt.claim"]._debt_currency_label(currency, partner.lang),
            "invoices": invoices,
            "amount_invoices": self.amount_invoices,
            "amount_invoices_str": money(self.amount_invoices),
            "penalty_amount": self.penalty_amount,
            "penalty_amount_str": money(self.penalty_amount),
            "down_payment_amount": self.down_payment_amount,
            "total": self.amount_total,
            "total_str": money(self.amount_total),
            "lines": lines,
            "grace_days": company.debt_plan_grace_days,
            "signatory": {
                "name": company.debt_claim_signatory_name or ""
                if "debt_claim_signatory_name" in fields_ else "",
                "title": company.debt_claim_signatory_title or ""
                if "debt_claim_signatory_title" in fields_ else "",
            },
        }
