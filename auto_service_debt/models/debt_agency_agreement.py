"""Agreements with collection agencies: the terms under which cases are handed over,
and the daily recall of the cases whose term is over."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL


class DebtAgencyAgreement(models.Model):
    """A contract with a collection agency: commission, term of each hand-over, and the
    accounts its collections and commissions are booked to."""

    _name = "debt.agency.agreement"
    _description = "Collection Agency Agreement"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Agreement Number", required=True, tracking=True)
    date = fields.Date(string="Agreement Date", required=True, default=fields.Date.context_today)
    partner_id = fields.Many2one(
        "res.partner", string="Collection Agency", required=True, tracking=True, index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    commission_percent = fields.Float(
        string="Commission (%)", digits=(5, 2), tracking=True,
        help="Share of every amount the agency collects that it keeps as its fee.",
    )
    term_days = fields.Integer(
        string="Term of a Hand-over (Days)", default=90, required=True, tracking=True,
        help="Days the agency works a case; after them the case comes back to the shop.",
    )
    end_date = fields.Date(
        string="Valid Until", tracking=True,
        help="Cases handed over under the agreement come back at the latest on this date.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
        default="draft", required=True, tracking=True,
    )
    stage_id = fields.Many2one(
        "debt.collection.stage", string="Stage of Handed-over Cases",
        default=lambda self: self.env.ref("auto_service_debt.stage_agency", raise_if_not_found=False),
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Stage a case is moved to when it is handed over; it goes back to its former "
        "stage when it is recalled. Empty: the stage does not change.",
    )
    journal_id = fields.Many2one(
        "account.journal", string="Payment Journal", check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="Journal of the customer payments the agency collects. Empty: the company's "
        "first bank journal.",
    )
    expense_account_id = fields.Many2one(
        "account.account", string="Commission Expense Account", check_company=True,
        compute="_compute_expense_account", store=True, readonly=False, precompute=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        help="Account of the line of the agency's commission bill. By default the expense "
        "account of the company's purchase journal.",
    )
    post_bills = fields.Boolean(
        string="Post Commission Bills",
        help="Post the agency's commission bill at once. Off: the bill is left in draft for "
        "the bookkeeper.",
    )
    note = fields.Text(string="Notes")
    case_ids = fields.One2many("debt.collection.case", "agency_agreement_id", string="Cases Handed Over")
    report_ids = fields.One2many("debt.agency.report", "agreement_id", string="Reports and Collections")
    case_count = fields.Integer(compute="_compute_figures", string="Cases")
    collected_amount = fields.Monetary(compute="_compute_figures", string="Collected")
    commission_amount = fields.Monetary(compute="_compute_figures", string="Commission")

    _sql_constraints = [
        ("commission_range", "CHECK(commission_percent >= 0 AND commission_percent <= 100)",
         "The agency commission is a percentage between 0 and 100."),
    ]

    @api.depends("company_id")
    def _compute_expense_account(self):
        Journal = self.env["account.journal"].sudo()
        Account = self.env["account.account"].sudo()
        for agreement in self:
            company = agreement.company_id
            if not company or agreement.expense_account_id.company_ids & company:
                continue
            journal = Journal.search([
                *Journal._check_company_domain(company), ("type", "=", "purchase"),
                ("default_account_id.account_type", "=", "expense"),
            ], order="sequence, id", limit=1)
            agreement.expense_account_id = journal.default_account_id or Account.search([
                *Account._check_company_domain(company), ("account_type", "=", "expense"),
            ], order="code", limit=1)

    @api.constrains("commission_percent", "term_days", "end_date", "date")
    def _check_terms(self):
        for agreement in self:
            if not 0 <= agreement.commission_percent <= 100:
                raise ValidationError(self.env._(
                    "Agency agreement %(name)s: the commission must be between 0 and 100 %%, "
                    "not %(value)s.", name=agreement.name, value=agreement.commission_percent,
                ))
            if agreement.term_days <= 0:
                raise ValidationError(self.env._(
                    "Agency agreement %(name)s: the term of a hand-over must be at least one day.",
                    name=agreement.name,
                ))
            if agreement.end_date and agreement.end_date < agreement.date:
                raise ValidationError(self.env._(
                    "Agency agreement %(name)s: it cannot end before it is signed (%(date)s).",
                    name=agreement.name, date=agreement.date,
                ))

    def _compute_figures(self):
        cases = dict(self.env["debt.collection.case"]._read_group(
            [("agency_agreement_id", "in", self.ids)], ["agency_agreement_id"], ["__count"]
        ))
        sums = {
            agreement: (amount, commission)
            for agreement, amount, commission in self.env["debt.agency.report"]._read_group(
                [("agreement_id", "in", self.ids), ("kind", "=", "collected")],
                ["agreement_id"], ["amount:sum", "commission_amount:sum"],
            )
        }
        for agreement in self:
            agreement.case_count = cases.get(agreement, 0)
            agreement.collected_amount, agreement.commission_amount = sums.get(agreement, (0.0, 0.0))

    def action_activate(self):
        self.write({"state": "active"})

    def action_close(self):
        open_cases = self.case_ids.filtered(lambda c: c.state == "open")
        if open_cases:
            raise UserError(self.env._(
                "Agency agreement %(name)s still has cases handed over: %(cases)s. Recall them "
                "before closing the agreement.",
                name=self[:1].name, cases=", ".join(open_cases[:10].mapped("name")),
            ))
        self.write({"state": "closed"})

    def action_draft(self):
        self.write({"state": "draft"})

    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "auto_service_debt.action_debt_collection_case"
        )
        action.update(domain=[("agency_agreement_id", "=", self.id)], context={"create": False})
        return action

    def _debt_recall_date(self, handover_date):
        """The day a case handed over on ``handover_date`` comes back to the shop."""
        self.ensure_one()
        recall = handover_date + timedelta(days=self.term_days)
        return min(recall, self.end_date) if self.end_date else recall

    def _debt_payment_journal(self):
        """The journal of the payments collected under the agreement."""
        self.ensure_one()
        return self.journal_id or self.env["debt.collection.case"]._debt_bank_journal(self.company_id)

    # ------------------------------------------------------------------
    # Daily step: recall at the end of the term
    # ------------------------------------------------------------------

    @api.model
    def _debt_daily_candidates(self, company, today, code):
        """Customers of the open cases handed over whose recall date has passed."""
        self.env["debt.collection.case"].flush_model(
            ["state", "partner_id", "company_id", "agency_agreement_id", "agency_recall_date"]
        )
        self.env.cr.execute(SQL(
            """
            SELECT DISTINCT partner_id FROM debt_collection_case
             WHERE state = 'open' AND company_id = %s AND agency_agreement_id IS NOT NULL
               AND agency_recall_date <= %s
            """,
            company.id, today,
        ))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _debt_daily_recall(self, partners, company, today):
        """Bring back to the shop the open cases of ``partners`` whose agency term is
        over. Idempotent: a recalled case has no agreement any more."""
        cases = self.env["debt.collection.case"].sudo().with_company(company).search([
            ("state", "=", "open"), ("company_id", "=", company.id),
            ("partner_id", "in", partners.ids), ("agency_agreement_id", "!=", False),
            ("agency_recall_date", "<=", today),
        ])
        cases._debt_agency_recall(today, term_over=True)


class DebtDailyRun(models.AbstractModel):
    _inherit = "debt.daily.run"

    @api.model
    def _debt_daily_steps(self):
        # after the collection step (40): a recalled case is worked by the shop from then on
        return super()._debt_daily_steps() + [
            (45, "agency", "debt.agency.agreement", "_debt_daily_recall"),
        ]
