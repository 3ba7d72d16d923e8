"""Collection cases: one open case per customer and company, escalated by the daily
run through the stages, with promises, disputes, contacts, claim, agency and court."""

import io
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.models import LOG_ACCESS_COLUMNS
from odoo.tools import SQL, format_date

from ..tools.bulk import insert_rows
from .debt_position import is_overdue

NONPAYMENT_REASONS = [
    ("financial", "Financial difficulties"),
    ("quality", "Dissatisfied with quality"),
    ("communication", "Misunderstanding / communication"),
    ("other", "Other"),
]


# What only the closing paths write (see ``_debt_check_close_write``), and the context
# value they pass: an object, which no RPC call can forge.
CLOSE_FIELDS = frozenset({"state", "close_reason", "close_date", "write_off_move_id", "write_off_reason",
                          "plan_id"})
# What changes the customer's block: a write of one of these is an event (see
# ``debt.partner.status._debt_mark``).
BLOCK_FIELDS = frozenset({"stage_id", "state", "block_service", "plan_id", "partner_id", "company_id"})
CLOSE_TOKEN = object()


class DebtCollectionCase(models.Model):
    """The collection file of one customer in one company while it owes overdue money."""

    _name = "debt.collection.case"
    _description = "Collection Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, overdue_days desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    stage_id = fields.Many2one(
        "debt.collection.stage",
        string="Stage",
        tracking=True,
        index=True,
        group_expand="_read_group_stage_ids",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    legal_stage = fields.Boolean(related="stage_id.legal")
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", required=True, tracking=True
    )
    close_reason = fields.Selection(
        [("paid", "Paid"), ("written_off", "Written off"), ("merged", "Merged"), ("other", "Other")],
        string="Closing Reason",
        tracking=True,
    )
    close_date = fields.Date(string="Closed On", readonly=True)
    open_date = fields.Date(string="Opened On", default=fields.Date.context_today, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    partner_email = fields.Char(related="partner_id.email", string="E-mail")
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    partner_is_company = fields.Boolean(related="partner_id.is_company", string="Business")
    # Figures, refreshed by the daily run and by payments.
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    receivable_amount = fields.Monetary(string="Total Owed", readonly=True)
    dunnable_amount = fields.Monetary(
        string="Dunned Amount",
        readonly=True,
        help="Overdue amount without disputed invoices and invoices in a plan on time.",
    )
    overdue_days = fields.Integer(string="Days Overdue", readonly=True)
    oldest_due_date = fields.Date(string="Oldest Due Date", readonly=True)
    penalty_amount = fields.Monetary(
        string="Penalty or Interest", compute="_compute_penalty_amount",
        help="Accrued contractual penalty or art. 395 interest, not yet paid.",
    )
    next_action_date = fields.Date(string="Next Action On", tracking=True)
    next_action = fields.Char(string="Next Action")
    nonpayment_reason = fields.Selection(NONPAYMENT_REASONS, string="Non-payment Reason", tracking=True)
    nonpayment_note = fields.Text(string="Reason Details")
    block_service = fields.Boolean(
        string="Service Blocked by Case",
        readonly=True,
        help="Set when the case entered a stage that blocks the customer; cleared when it closes.",
    )
    blocks_customer = fields.Boolean(
        string="Blocks the Customer", compute="_compute_blocks_customer",
        help="The case's stage blocks new work, the case is not paused under a plan and the "
        "customer is not trusted (never blocked).",
    )
    plan_id = fields.Many2one(
        "debt.installment.plan", string="Paused Under Plan", readonly=True, index="btree_not_null",
        copy=False,
        help="The active installment plan that covers the case's overdue debt: the case waits "
        "(no escalation, no dunning of the covered invoices, no block) while the plan is kept, "
        "resumes at a default "
        "and closes as paid when nothing is owed any more.",
    )
    # Promise to pay.
    promise_ids = fields.One2many("debt.collection.promise", "case_id", string="Promises")
    promise_date = fields.Date(
        string="Promised Date", compute="_compute_promise", store=True, precompute=True,
        help="Escalation is paused until this date.",
    )
    promise_amount = fields.Monetary(
        string="Promised Amount", compute="_compute_promise", store=True, precompute=True,
    )
    broken_promise_count = fields.Integer(
        compute="_compute_promise", store=True, precompute=True, string="Broken Promises",
    )
    # Disputes.
    dispute_ids = fields.One2many("debt.collection.dispute", "case_id", string="Disputes")
    disputed_move_ids = fields.Many2many(
        "account.move", compute="_compute_disputed_moves", string="Disputed Invoices"
    )
    # Claim letter (претензия): the case's current claim, its sending facts and deadline.
    claim_id = fields.Many2one(
        "debt.claim", string="Current Claim", readonly=True, copy=False, index="btree_not_null",
        help="The last claim letter issued for the case (a new claim replaces it).",
    )
    claim_number = fields.Char(related="claim_id.name", string="Claim Number")
    claim_date = fields.Date(related="claim_id.sent_date", string="Claim Sent On")
    claim_tracking = fields.Char(related="claim_id.tracking_ref", string="Postal Tracking")
    claim_deadline = fields.Date(
        related="claim_id.deadline", string="Claim Deadline", store=True, precompute=True,
        help="Counted from the sending of the claim: for a business 30 calendar days from sending "
        "(or the contract's term), for an individual the company's term from receipt.",
    )
    gate_note = fields.Char(
        string="Waiting For", compute="_compute_gate_note",
        help="What the case lacks to enter the next stage its days overdue call for.",
    )
    court_route = fields.Selection(
        [("arbitrazh", "Arbitrazh court (claim procedure)"),
         ("court_order", "Court order (судебный приказ) at a magistrate"),
         ("claim", "Statement of claim in a court of general jurisdiction")],
        string="Court Route", compute="_compute_court_route",
        help="Businesses go to the arbitrazh court after the claim's 30 days; an individual's "
        "debt up to the company's court-order limit is recovered by a court order, above it by a "
        "statement of claim.",
    )
    car_held = fields.Boolean(
        string="Holding the Customer's Car",
        help="The shop retains the customer's car until paid (Civil Code art. 712).",
    )
    # Agency.
    agency_agreement_id = fields.Many2one(
        "debt.agency.agreement", string="Agency Agreement", readonly=True, tracking=True, copy=False,
        index="btree_not_null", check_company=True,
        help="The agreement the case is handed over under; cleared when it comes back to the shop.",
    )
    agency_partner_id = fields.Many2one(
        related="agency_agreement_id.partner_id", string="Collection Agency", store=True,
        precompute=True,
    )
    agency_date = fields.Date(string="Handed Over On", readonly=True, copy=False)
    agency_recall_date = fields.Date(
        string="Recall On", readonly=True, copy=False,
        help="End of the agency's term: the case comes back to the shop on this day if still open.",
    )
    agency_commission = fields.Float(
        related="agency_agreement_id.commission_percent", string="Agency Commission (%)",
    )
    agency_prev_stage_id = fields.Many2one(
        "debt.collection.stage", string="Stage Before the Hand-over", readonly=True, copy=False,
    )
    agency_report_ids = fields.One2many("debt.agency.report", "case_id", string="Agency Reports")
    agency_collected_amount = fields.Monetary(
        string="Collected by Agencies", compute="_compute_agency_collected",
    )
    # Court: summaries of the latest court steps (debt.court.event).
    court_event_ids = fields.One2many("debt.court.event", "case_id", string="Court Steps")
    court_name = fields.Char(string="Court", compute="_compute_court", store=True, precompute=True)
    court_case_number = fields.Char(string="Court Case Number", compute="_compute_court", store=True, precompute=True)
    court_filing_date = fields.Date(string="Filed On", compute="_compute_court", store=True, precompute=True)
    court_fee = fields.Monetary(string="Court Fee", compute="_compute_court", store=True, precompute=True)
    court_decision_date = fields.Date(string="Decision On", compute="_compute_court", store=True, precompute=True)
    court_amount_awarded = fields.Monetary(
        string="Amount Awarded", compute="_compute_court", store=True, precompute=True,
    )
    court_writ_number = fields.Char(string="Writ of Execution", compute="_compute_court", store=True, precompute=True)
    court_bailiff_number = fields.Char(
        string="Enforcement Proceedings", compute="_compute_court", store=True, precompute=True,
    )
    court_recovered_amount = fields.Monetary(
        string="Recovered Through the Court", compute="_compute_court", store=True, precompute=True,
    )
    # Write-off.
    write_off_move_id = fields.Many2one("account.move", string="Write-off Entry", readonly=True)
    write_off_reason = fields.Char(readonly=True)
    history_ids = fields.One2many("debt.collection.case.history", "case_id", string="Stage History")
    contact_ids = fields.One2many("debt.contact.log", "case_id", string="Contacts")
    dunning_log_ids = fields.One2many("debt.dunning.log", "case_id", string="Reminders")
    contact_count = fields.Integer(compute="_compute_counts")
    reminder_count = fields.Integer(compute="_compute_counts")

    def init(self):
        self.env.cr.execute(
            SQL(
                """
            CREATE UNIQUE INDEX IF NOT EXISTS debt_collection_case_one_open_idx
                ON debt_collection_case (partner_id, company_id) WHERE state = 'open'
            """
            )
        )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([], order=stages._order)

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------

    @api.depends("promise_ids.state", "promise_ids.date", "promise_ids.amount")
    def _compute_promise(self):
        for case in self:
            live = case.promise_ids.filtered(lambda p: p.state == "open").sorted("date")[-1:]
            case.promise_date = live.date
            case.promise_amount = live.amount
            case.broken_promise_count = len(case.promise_ids.filtered(lambda p: p.state == "broken"))

    @api.depends("dispute_ids.state", "dispute_ids.move_ids")
    def _compute_disputed_moves(self):
        for case in self:
            case.disputed_move_ids = case.dispute_ids.filtered(lambda d: d.state == "open").move_ids

    def _compute_court_route(self):
        for case in self:
            if case.partner_id.commercial_partner_id.is_company:
                case.court_route = "arbitrazh"
            else:
                limit = case.company_id.debt_court_order_limit
                owed = case.receivable_amount + case.penalty_amount
                case.court_route = "court_order" if not limit or owed <= limit else "claim"

    def _compute_gate_note(self):
        today = fields.Date.context_today(self)
        open_cases = self.filtered(lambda c: c.state == "open" and c.stage_id and c.id)
        facts = self._debt_gate_facts(open_cases)
        stages_of = {}
        for case in self:
            case.gate_note = False
            if case not in open_cases or case.plan_id:
                continue
            if case.company_id not in stages_of:
                stages_of[case.company_id] = self.env["debt.collection.stage"]._debt_stages(case.company_id)
            stages = stages_of[case.company_id]
            ids = stages.ids
            start = ids.index(case.stage_id.id) + 1 if case.stage_id.id in ids else 0
            following = next((s for s in stages[start:] if not s.gate_manual), stages.browse())
            if not following or following.days_overdue > case.overdue_days:
                continue
            missing = following._debt_gate_missing(facts.get(case.id, {}), today)
            if missing:
                case.gate_note = self.env._(
                    "Stage «%(stage)s» is due by the days overdue, but %(missing)s.",
                    stage=following.name, missing=missing,
                )

    def _compute_counts(self):
        contacts = dict(self.env["debt.contact.log"]._read_group(
            [("case_id", "in", self.ids)], ["case_id"], ["__count"]
        ))
        reminders = dict(self.env["debt.dunning.log"]._read_group(
            [("case_id", "in", self.ids)], ["case_id"], ["__count"]
        ))
        for case in self:
            case.contact_count = contacts.get(case, 0)
            case.reminder_count = reminders.get(case, 0)

    def _compute_penalty_amount(self):
        amounts = defaultdict(float)
        if self.ids:
            lines = self.env["account.move.line"].browse(
                [line["id"] for case in self for line in case._debt_open_lines()]
            )
            penalties = self._debt_penalties_by_line(lines)
            for line in lines:
                amounts[line.partner_id.commercial_partner_id.id, line.company_id.id] += (
                    penalties.get(line.id, 0.0)
                )
        for case in self:
            case.penalty_amount = amounts.get((case.partner_id.id, case.company_id.id), 0.0)

    @api.model
    def _debt_check_no_open_case(self, vals_list):
        """Refuse a second open case before the database index does, with a clear message."""
        keys = {
            (vals["partner_id"], vals.get("company_id") or self.env.company.id)
            for vals in vals_list if vals.get("partner_id") and vals.get("state", "open") == "open"
        }
        if not keys:
            return
        existing = self.sudo().search([
            ("state", "=", "open"),
            ("partner_id", "in", [key[0] for key in keys]),
            ("company_id", "in", [key[1] for key in keys]),
        ])
        for case in existing:
            if (case.partner_id.id, case.company_id.id) in keys:
                raise ValidationError(self.env._(
                    "%(partner)s already has the open collection case %(case)s in %(company)s: "
                    "work that case instead of opening another one.",
                    partner=case.partner_id.display_name, case=case.name, company=case.company_id.name,
                ))

    @api.constrains("partner_id", "company_id", "state")
    def _check_one_open_case(self):
        open_cases = self.filtered(lambda c: c.state == "open")
        if not open_cases:
            return
        groups = self._read_group(
            [
                ("state", "=", "open"),
                ("partner_id", "in", open_cases.partner_id.ids),
                ("company_id", "in", open_cases.company_id.ids),
            ],
            ["partner_id", "company_id"],
            ["__count"],
        )
        for partner, company, count in groups:
            if count > 1:
                raise ValidationError(self.env._(
                    "%(partner)s already has an open collection case in %(company)s: "
                    "work that case instead of opening another one.",
                    partner=partner.display_name, company=company.name,
                ))

    @api.depends("block_service", "plan_id", "partner_id", "company_id")
    def _compute_blocks_customer(self):
        # a trusted customer ("never block") is served whatever the case's stage
        for company in self.company_id:
            cases = self.filtered(lambda c, co=company: c.company_id == co)
            partners = cases.partner_id.with_company(company).sudo()
            trusted = set(partners.filtered(lambda p: p.debt_block_mode == "never").ids)
            for case in cases:
                case.blocks_customer = (
                    case.block_service and not case.plan_id and case.partner_id.id not in trusted
                )
        for case in self.filtered(lambda c: not c.company_id):
            case.blocks_customer = case.block_service and not case.plan_id

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._debt_prepare_vals(vals_list)
        cases = super().create(vals_list)
        if not self.env.context.get("debt_no_entry_actions"):
            manual = cases.filtered("stage_id")
            if manual:
                manual._debt_enter_stages(fields.Date.context_today(self))
        cases._debt_mark_customers()
        return cases

    @api.model
    def _add_precomputed_values(self, vals_list):
        """Odoo's, with one computation for all the new cases that have none of the values
        the precomputed fields depend on (no promise, claim, agency or court step yet:
        every case a run opens); their results are equal, as Odoo would compute them one
        by one on a new record each."""
        precomputable = [field for field in self._fields.values() if field.precompute]
        if any(
            self.pool.field_depends_context[field] or field.type in ("one2many", "many2many")
            for field in precomputable
        ):
            return super()._add_precomputed_values(vals_list)
        sources = {
            path.split(".")[0] for field in precomputable for path in self.pool.field_depends[field]
        }
        blank, other = [], []
        for vals in vals_list:
            missing = any(field.name not in vals for field in precomputable)
            if missing and not any(vals.get(name) for name in sources):
                blank.append(vals)
            else:
                other.append(vals)
        if len(blank) < 2:
            return super()._add_precomputed_values(vals_list)
        super()._add_precomputed_values(other)
        groups = defaultdict(list)
        for vals in blank:
            groups[frozenset(field.name for field in precomputable if field.name in vals)].append(vals)
        for group in groups.values():
            first = group[0]
            super()._add_precomputed_values([first])
            computed = {field.name: first[field.name] for field in first["__precomputed__"]}
            for vals in group[1:]:
                vals.update(computed)
                vals["__precomputed__"] = set(first["__precomputed__"])

    @api.model
    def _debt_prepare_vals(self, vals_list):
        """What a new case's values get first: the customer's commercial entity, the
        check that it has no open case, the reference."""
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = (
                    self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
                )
        self._debt_check_no_open_case(vals_list)
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        for vals, name in zip(unnamed, self._debt_next_names(len(unnamed)), strict=True):
            vals["name"] = name

    @api.model
    def _debt_insert_cases(self, vals_list):
        """Create the cases ``vals_list`` as ``create`` does without tracking and entry
        actions (defaults, precomputed fields, constraints, the customers' flags marked),
        with one INSERT: a first run opens thousands."""
        self.check_access("create")
        self._debt_prepare_vals(vals_list)
        # as create() with tracking off (the precomputed fields prepare no tracking)
        prepared = self.with_context(tracking_disable=True)._prepare_create_values(vals_list)
        precomputed = set()
        rows = []
        for vals in prepared:
            precomputed |= vals.pop("__precomputed__", set())
            for fname in LOG_ACCESS_COLUMNS:
                vals.pop(fname, None)
            rows.append(vals)
        columns = {fname for vals in rows for fname in vals}
        if any(not self._fields[fname].column_type for fname in columns):
            return self.with_context(tracking_disable=True, debt_no_entry_actions=True).create(vals_list)
        cases = self.browse(insert_rows(self, rows, protected=precomputed))
        cases._validate_fields(columns)
        if self._check_company_auto:
            cases._check_company()
        cases._debt_mark_customers()
        return cases

    @api.model
    def _debt_create_run_cases(self, vals_list):
        """The cases a run opens (the daily run, a defaulted plan), set-based: as the ORM's
        create makes them with the chatter (the creation note, the responsible and the
        current user following), but with one creation note per case logged in one batch
        and the followers added per responsible. The responsible gets no "assigned to
        you" e-mail per case: a run may open thousands for one collector, who finds them
        in the cases and activities lists (the assignment is not shown in the chatter)."""
        if not vals_list:
            return self.browse()
        cases = self._debt_insert_cases(vals_list)
        Followers = self.env["mail.followers"].sudo()
        by_partner = defaultdict(list)
        for case in cases:
            if case.user_id.active:
                by_partner[case.user_id.partner_id.id].append(case.id)
        if self.env.user.active:
            by_partner[self.env.user.partner_id.id] = cases.ids
        for partner_id, case_ids in by_partner.items():
            Followers._debt_insert_followers(self._name, case_ids, [partner_id])
        # the note in one language: Odoo's text and the model's name alike
        note = cases[:1].with_context(lang=self.env.lang or self.env.user.lang)._creation_message()
        cases._debt_log_batch(dict.fromkeys(cases.ids, note))
        return cases

    @api.model
    def _debt_next_names(self, count):
        """``count`` references, as ``next_by_code`` would draw them one by one, but with
        one statement for the usual sequence (the daily run opens many cases at once)."""
        code = "debt.collection.case"
        Sequence = self.env["ir.sequence"]
        if count <= 1:
            return [Sequence.next_by_code(code) or "/" for _i in range(count)]
        Sequence.browse().check_access("read")
        sequence = Sequence.search(
            [("code", "=", code), ("company_id", "in", [self.env.company.id, False])],
            order="company_id", limit=1,
        )
        if not sequence:
            return ["/"] * count
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _i in range(count)]
        self.env.cr.execute(SQL(
            "SELECT nextval(%s) AS n FROM generate_series(1, %s) ORDER BY n",
            "ir_sequence_%03d" % sequence.id, count,
        ))
        return [sequence.get_next_char(row[0]) for row in self.env.cr.fetchall()]

    def write(self, vals):
        self._debt_check_close_write(vals)
        if vals.get("stage_id") and not self.env.context.get("debt_no_entry_actions"):
            self._debt_check_gates(vals["stage_id"])
        marked = BLOCK_FIELDS & set(vals)
        if marked & {"partner_id", "company_id"}:
            self._debt_mark_customers()
        res = super().write(vals)
        if "stage_id" in vals and vals["stage_id"] and not self.env.context.get("debt_no_entry_actions"):
            # A collector moving a case by hand gets the same entry actions as the run.
            self._debt_enter_stages(fields.Date.context_today(self))
        if marked:
            self._debt_mark_customers()
        return res

    def _debt_mark_customers(self):
        """The event of a case: its customer's block may have changed."""
        self.env["debt.partner.status"]._debt_mark_records(self)

    def _debt_check_close_write(self, vals):
        """A case is closed by its paths only: paid (the payment), written off (the
        write-off wizard of a Debt Manager, which books the entry), merged (Odoo's merge
        of duplicate customers). A direct write (RPC, import, a custom button) of the
        closing fields is refused, whoever makes it."""
        closing = CLOSE_FIELDS & set(vals)
        if not closing or self.env.su or self.env.context.get("debt_case_close") is CLOSE_TOKEN:
            return
        names = ", ".join(self[:5].mapped("name"))
        if closing == {"plan_id"}:
            raise AccessError(self.env._(
                "Cases %(cases)s are paused and resumed by their installment plan: confirm, "
                "cancel or default the plan instead of writing it on the case.", cases=names,
            ))
        if vals.get("close_reason") == "written_off" or "write_off_move_id" in vals:
            raise AccessError(self.env._(
                "Cases %(cases)s can be written off only with the Write Off button of a Debt "
                "Manager, which books the write-off entry and records the reason.", cases=names,
            ))
        raise AccessError(self.env._(
            "Cases %(cases)s close by themselves when the debt is paid, or by a Debt Manager's "
            "write-off; their state cannot be written directly.", cases=names,
        ))

    # ------------------------------------------------------------------
    # Data gathering
    # ------------------------------------------------------------------

    @staticmethod
    def _debt_dunnable(lines, today):
        """Overdue lines that may be dunned: overdue as the position counts them (not in
        a plan on time) and not disputed."""
        return [line for line in lines if is_overdue(line, today) and not line["disputed"]]

    def _debt_open_lines(self, today=None):
        """Every open due line of the case's customer (line dicts, with penalties)."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        lines = self.env["debt.position"]._debt_due_lines([self.partner_id.id], self.company_id, today).get(
            self.partner_id.id, []
        )
        return lines

    def _debt_pay_url(self):
        """The pay-now link of the case: it pays the overdue items due at the moment."""
        self.ensure_one()
        return self.env["debt.pay.link"]._debt_url(self)

    def _debt_pay_target(self):
        """What the case's link pays now: its overdue, undisputed items outside plans."""
        self.ensure_one()
        case = self.sudo()
        today = fields.Date.context_today(self)
        lines = self._debt_dunnable(case._debt_open_lines(today), today) if case.state == "open" else []
        moves = self.env["account.move"].sudo().browse({line["move_id"] for line in lines})
        return self.env["debt.pay.link"]._debt_target(
            case.partner_id, case.company_id, moves, sum(line["residual"] for line in lines), case.name,
        )

    @api.model
    def _debt_penalties_by_line(self, lines):
        """Accrued, not yet invoiced or waived penalty per due line id, when penalties
        are installed; ``{}`` otherwise."""
        if "debt.penalty" not in self.env or not lines:
            return {}
        Penalty = self.env["debt.penalty"].sudo()
        line_field = next(
            (name for name, field in Penalty._fields.items()
             if field.type == "many2one" and field.comodel_name == "account.move.line"),
            None,
        )
        amount_field = next(
            (name for name in ("amount_open", "amount_due", "amount_residual", "amount_accrued", "amount")
             if name in Penalty._fields),
            None,
        )
        if not line_field or not amount_field:
            return {}
        result = defaultdict(float)
        for line, amount in Penalty._read_group(
            [(line_field, "in", lines.ids)], [line_field], [f"{amount_field}:sum"]
        ):
            result[line.id] += amount or 0.0
        return result

    @api.model
    def _debt_add_penalties(self, lines_by_partner):
        """Set on each line dict its open penalty (``penalty``), the kind of it
        (``penalty_kind``: ``contract``, ``key_rate`` or False) and whether it stops at the
        date up to which the key rates are known (``penalty_provisional``)."""
        all_ids = [line["id"] for lines in lines_by_partner.values() for line in lines]
        penalties = self._debt_penalties_by_line(self.env["account.move.line"].browse(all_ids))
        kinds = {}
        if penalties:
            for move_line, kind, provisional in self.env["debt.penalty"].sudo()._read_group(
                [("move_line_id", "in", list(penalties))], ["move_line_id", "kind"], ["provisional:bool_or"]
            ):
                kinds[move_line.id] = (kind, bool(provisional))
        for lines in lines_by_partner.values():
            for line in lines:
                if penalties:
                    line["penalty"] = penalties.get(line["id"], 0.0)
                kind, provisional = kinds.get(line["id"], (False, False)) if line.get("penalty") else (False, False)
                line["penalty_kind"], line["penalty_provisional"] = kind, provisional

    # ------------------------------------------------------------------
    # Daily step
    # ------------------------------------------------------------------

    @api.model
    def _debt_daily_candidates(self, company, today, code):
        """Customers with open receivables, plus those with an open case (to close it)."""
        receivable = self.env["debt.daily.run"]._open_receivable_partner_ids(company)
        self.flush_model(["state", "partner_id", "company_id"])
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM debt_collection_case WHERE state = 'open' AND company_id = %s",
                company.id,
            )
        )
        return set(receivable) | {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _debt_daily_collect(self, partners, company, today):
        """Open, escalate and close the cases of ``partners`` and send every reminder due
        on ``today``. Idempotent: the guard log and the stage history make a repeated run
        do nothing."""
        Case = self.sudo().with_company(company)
        # The daily run passes commercial partners (its candidates are).
        # their positions and the lines they are made of, in one statement
        positions, lines_by_partner = self.env["debt.position"]._get_positions(
            partners, company, today, with_lines=True
        )
        cases = Case.search([
            ("state", "=", "open"), ("partner_id", "in", partners.ids), ("company_id", "=", company.id),
        ])
        # cases follow the debt first (paid: closed; covered by a plan: paused)
        Case._debt_settle_cases(partners, company, today, positions, cases)
        cases = cases.filtered(lambda c: c.state == "open")
        stages = self.env["debt.collection.stage"].sudo()._debt_stages(company)
        target_of = stages._debt_ladder(stages)
        order = {stage.id: rank for rank, stage in enumerate(stages)}
        case_by_partner = {case.partner_id.id: case for case in cases}
        broken = cases.promise_ids.filtered(lambda p: p.state == "open")._debt_check_due(
            positions, today
        )
        broken_ids = set(broken.case_id.ids)
        gate_facts = self._debt_gate_facts(cases)
        to_resume = Case.browse()
        moves = defaultdict(lambda: Case.browse())
        new_cases = []
        figures = {}
        for partner in partners:
            pid = partner.id
            position = positions[pid]
            dunnable = self._debt_dunnable(lines_by_partner.get(pid, []), today)
            overdue_days = max((line["days_late"] for line in dunnable), default=0)
            target = target_of(overdue_days) if dunnable else stages.browse()
            case = case_by_partner.get(pid)
            if case:
                figures[case.id] = (position, dunnable, overdue_days)
                if case.plan_id:
                    if not dunnable:
                        continue  # waits while its plan is kept
                    to_resume |= case  # new debt outside the plan: collection goes on
                paused = case.promise_date and case.promise_date >= today
                if case.id in broken_ids:
                    target = self._debt_next_stage(stages, case.stage_id, target)
                    paused = False
                target = self._debt_gate_cap(stages, case.stage_id, target, gate_facts[case.id], today)
                if case.agency_agreement_id:
                    paused = True  # with the agency until it reports, pays or is recalled
                if not paused and self._debt_is_later(stages, target, case.stage_id, order):
                    moves[target.id] |= case
            elif target and (target := self._debt_gate_cap(stages, stages.browse(), target, {}, today)):
                new_cases.append({
                    "partner_id": pid,
                    "company_id": company.id,
                    "stage_id": target.id,
                    # what entering the stage sets, at once (no second write per case)
                    "block_service": target.block_customer,
                    "open_date": today,
                    "user_id": partner.user_id.id or company.debt_collector_id.id
                    or self._debt_line_user(dunnable) or self.env.uid,
                    "overdue_amount": position["overdue_amount"],
                    "receivable_amount": position["receivable"],
                    "dunnable_amount": sum(line["residual"] for line in dunnable),
                    "overdue_days": overdue_days,
                    "oldest_due_date": dunnable[0]["date_maturity"],
                })
        to_resume._debt_resume(today)
        Case._debt_write_figures(figures)
        entered = Case._debt_move_stages(moves)
        if new_cases:
            entered |= Case._debt_create_run_cases(new_cases)
        if entered:
            self._debt_add_penalties(lines_by_partner)
            entered._debt_enter_stages(today, lines_by_partner)
        Case._debt_upcoming_reminders(partners, company, today, lines_by_partner, case_by_partner)
        Case._debt_installment_reminders(partners, company, today, case_by_partner)

    @api.model
    def _debt_move_stages(self, moves):
        """Move the cases of ``moves`` ({stage id: cases}) to their stage, with the stage
        change in each case's chatter as ``write`` tracks it, logged in one batch (an
        escalation day moves thousands); the entry actions are the caller's."""
        cases = self.browse().union(*moves.values())
        initial = {case.id: case.stage_id for case in cases}
        for stage_id, stage_cases in moves.items():
            stage_cases.with_context(debt_no_entry_actions=True, tracking_disable=True).write(
                {"stage_id": stage_id}
            )
        cases._debt_log_tracking("stage_id", initial)
        return cases

    @api.model
    def _debt_on_plan_defaulted(self, plans):
        """A defaulted installment plan escalates its customer's case by one stage (or
        opens one): the whole remaining debt is due at once."""
        today = fields.Date.context_today(self)
        Case = self.sudo()
        entered = Case.browse()
        for company in plans.company_id:
            company_plans = plans.filtered(lambda p, c=company: p.company_id == c)
            partners = company_plans.partner_id.commercial_partner_id
            stages = self.env["debt.collection.stage"].sudo()._debt_stages(company)
            if not stages:
                continue
            cases = Case.search([
                ("state", "=", "open"), ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
            ])
            missing = partners - cases.partner_id
            if missing:
                cases |= Case._debt_create_run_cases([
                    {"partner_id": partner.id, "company_id": company.id, "stage_id": stages[0].id,
                     "open_date": today,
                     "user_id": partner.user_id.id or company.debt_collector_id.id or self.env.uid}
                    for partner in missing
                ])
            cases.filtered("plan_id")._debt_resume(today, message=False)
            gate_facts = self._debt_gate_facts(cases)
            notes = {}
            for case in cases:
                following = self._debt_next_stage(stages, case.stage_id, stages.browse())
                following = self._debt_gate_cap(stages, case.stage_id, following, gate_facts[case.id], today)
                if case.partner_id in missing or not following:
                    following = case.stage_id
                if following != case.stage_id:
                    case.with_context(debt_no_entry_actions=True).stage_id = following
                plan_names = ", ".join(
                    company_plans.filtered(lambda p, c=case: p.partner_id.commercial_partner_id
                                           == c.partner_id).mapped("name")
                )
                notes[case.id] = self.env._(
                    "Installment plan %(plans)s defaulted: the remaining debt is due at once; "
                    "case at stage %(stage)s.", plans=plan_names, stage=case.stage_id.name,
                )
                entered |= case
            cases._debt_log_batch(notes)
        entered._debt_enter_stages(today)
        return entered

    @api.model
    def _debt_line_user(self, lines):
        return next((line["user_id"] for line in lines if line.get("user_id")), False)

    @api.model
    def _debt_is_later(self, stages, stage, current, order=None):
        """Whether ``stage`` comes after ``current`` in the ladder ``stages`` (``order``:
        ``{stage_id: rank}`` of the ladder when the caller has it already)."""
        if not stage:
            return False
        if not current:
            return True
        if order is None:
            order = {s.id: i for i, s in enumerate(stages)}
        return order.get(stage.id, -1) > order.get(current.id, -1)

    @api.model
    def _debt_next_stage(self, stages, current, target):
        """The stage after ``current``, or ``target`` when that one is further."""
        ids = stages.ids
        following = stages.browse()
        if current.id in ids and ids.index(current.id) + 1 < len(ids):
            following = stages[ids.index(current.id) + 1]
        elif not current and stages:
            following = stages[0]
        return target if self._debt_is_later(stages, target, following) else following

    @api.model
    def _debt_gate_facts(self, cases):
        """What the stage gates ask of ``cases``, read for all of them at once:
        ``{case_id: {"last_reminder": date, "claim": number, "claim_sent": bool,
        "claim_deadline": date}}``. A reminder is an e-mail or SMS reminder of the case (stage
        entry or manual) or an outgoing contact that reached the customer."""
        facts = {case.id: {} for case in cases}
        if not cases:
            return facts
        self.env["debt.dunning.log"].flush_model(["case_id", "kind", "channel", "date"])
        self.env["debt.contact.log"].flush_model(["case_id", "direction", "result", "date"])
        self.env["debt.claim"].flush_model(["name", "state", "sent_date", "deadline", "partner_id", "company_id"])
        self.flush_model(["claim_id"])
        self.env.cr.execute(SQL(
            """
            SELECT c.id, r.last_reminder, cl.name, cl.sent_date, cl.deadline
              FROM debt_collection_case c
              LEFT JOIN LATERAL (
                    SELECT k.name, k.sent_date, k.deadline FROM debt_claim k
                     WHERE k.state = 'issued'
                       AND (k.id = c.claim_id OR (c.claim_id IS NULL AND k.partner_id = c.partner_id
                                                   AND k.company_id = c.company_id))
                     ORDER BY k.id DESC LIMIT 1
              ) cl ON TRUE
              LEFT JOIN LATERAL (
                    SELECT max(d) AS last_reminder FROM (
                        SELECT max(l.date) AS d FROM debt_dunning_log l
                         WHERE l.case_id = c.id AND l.channel IN ('email', 'sms')
                           AND l.kind IN ('stage', 'manual')
                        UNION ALL
                        SELECT max(k.date)::date FROM debt_contact_log k
                         WHERE k.case_id = c.id AND k.direction = 'out'
                           AND k.result IN ('reached', 'promise', 'refused', 'callback')
                    ) AS both_kinds
              ) r ON TRUE
             WHERE c.id = ANY(%s)
            """,
            list(cases.ids),
        ))
        for case_id, last_reminder, claim, sent, deadline in self.env.cr.fetchall():
            facts[case_id] = {
                "last_reminder": last_reminder, "claim": claim, "claim_sent": bool(sent),
                "claim_deadline": deadline,
            }
        return facts

    @api.model
    def _debt_gate_cap(self, stages, current, target, facts, today):
        """The furthest stage from ``current`` towards ``target``, entered one stage
        after the other, whose gates hold with ``facts``: a case never skips a gate."""
        if not self._debt_is_later(stages, target, current):
            return target
        ids = stages.ids
        start = ids.index(current.id) + 1 if current.id in ids else 0
        reached = current
        for stage in stages[start:ids.index(target.id) + 1]:
            if stage.gate_manual:
                continue  # entered by hand only (a hand-over, enforcement): passed by
            if not stage._debt_gate_holds(facts, today):
                break
            reached = stage
        return reached

    def _debt_check_gates(self, stage_id):
        """A case moved by hand to a later stage must meet its gates (the daily run and
        the other paths cap their moves themselves)."""
        stage = self.env["debt.collection.stage"].browse(stage_id)
        if not (stage.gate_reminder or stage.gate_claim):
            return
        today = fields.Date.context_today(self)
        facts = self._debt_gate_facts(self)
        ladders = {company: stage._debt_stages(company) for company in self.company_id}
        for case in self:
            stages = ladders[case.company_id]
            if not self._debt_is_later(stages, stage, case.stage_id):
                continue
            missing = stage._debt_gate_missing(facts.get(case.id, {}), today, manual=True)
            if missing:
                raise UserError(self.env._(
                    "Case %(case)s (%(partner)s) cannot enter the stage «%(stage)s»: %(missing)s. "
                    "Complete that step first.",
                    case=case.name, partner=case.partner_id.display_name, stage=stage.name,
                    missing=missing,
                ))

    @api.model
    def _debt_write_figures(self, figures):
        """Store the figures of many cases in one statement."""
        if not figures:
            return
        self.flush_model()
        values = SQL(", ").join(
            SQL(
                "(%s, %s::numeric, %s::numeric, %s::numeric, %s, %s::date)",
                case_id, pos["overdue_amount"], pos["receivable"],
                sum(line["residual"] for line in dunnable), days,
                dunnable[0]["date_maturity"] if dunnable else None,
            )
            for case_id, (pos, dunnable, days) in figures.items()
        )
        self.env.cr.execute(
            SQL(
                """
            UPDATE debt_collection_case c
               SET overdue_amount = v.overdue, receivable_amount = v.receivable,
                   dunnable_amount = v.dunnable, overdue_days = v.days, oldest_due_date = v.oldest
              FROM (VALUES %s) AS v(id, overdue, receivable, dunnable, days, oldest)
             WHERE c.id = v.id
            """,
                values,
            )
        )
        self.browse(list(figures)).invalidate_recordset(
            ["overdue_amount", "receivable_amount", "dunnable_amount", "overdue_days", "oldest_due_date"]
        )

    def _debt_close(self, reason, today=None):
        if not self:
            return
        today = today or fields.Date.context_today(self)
        vals = {"state": "closed", "close_reason": reason, "close_date": today, "block_service": False,
                "plan_id": False}
        if reason == "paid":
            vals.update(overdue_amount=0.0, dunnable_amount=0.0, overdue_days=0)
        self.with_context(debt_case_close=CLOSE_TOKEN).write(vals)
        self.promise_ids.filtered(lambda p: p.state == "open").write({"state": "kept"})
        label = dict(self._fields["close_reason"]._description_selection(self.env))[reason]
        self._debt_log_batch(dict.fromkeys(
            self.ids, self.env._("Case closed: %(reason)s.", reason=label)))

    @api.model
    def _debt_settle_cases(self, partners, company, today, positions=None, cases=None):
        """Open cases of ``partners`` in ``company`` follow their debt (the settle step
        of every event, and the first thing the daily collection does):

        - a case paused under a plan that is no longer active resumes;
        - a case without uncovered overdue debt is paused under the customer's active
          plan when that plan still covers debt, and otherwise closes as paid: nothing
          is owed any more, plan or not.

        ``positions``: of ``debt.position._get_positions``, ``cases``: the open cases of
        ``partners``, when the caller has them."""
        if cases is None:
            cases = self.sudo().with_company(company).search([
                ("state", "=", "open"), ("partner_id", "in", partners.ids), ("company_id", "=", company.id),
            ])
        if not cases:
            return
        cases.filtered(lambda c: c.plan_id and c.plan_id.state != "active")._debt_resume(today)
        if positions is None:
            positions = self.env["debt.position"]._get_positions(cases.partner_id, company, today)
        currency = company.currency_id
        settled = cases.filtered(lambda c: c.partner_id.id in positions and currency.is_zero(
            positions[c.partner_id.id]["overdue_amount"]))
        if not settled:
            return
        plan_of = {}
        if any(not currency.is_zero(positions[c.partner_id.id]["plan_amount"]) for c in settled):
            plans = self.env["debt.installment.plan"].sudo().search([
                ("state", "=", "active"), ("company_id", "=", company.id),
                ("partner_id", "in", settled.partner_id.ids),
            ], order="id")
            for plan in plans:
                plan_of.setdefault(plan.partner_id.commercial_partner_id.id, plan)
        to_close = self.browse()
        to_pause = defaultdict(self.browse)
        for case in settled:
            position = positions[case.partner_id.id]
            plan = plan_of.get(case.partner_id.id)
            if plan and not currency.is_zero(position["plan_amount"]):
                if case.plan_id != plan:
                    to_pause[plan] |= case
            else:
                to_close |= case
        for plan, plan_cases in to_pause.items():
            plan_cases._debt_pause(plan)
        # a paused case shows what is left outside the plan: nothing overdue
        self._debt_write_figures({
            case.id: (positions[case.partner_id.id], [], 0)
            for plan_cases in to_pause.values() for case in plan_cases
        })
        to_close._debt_close("paid", today)

    def _debt_pause(self, plan):
        """The plan covers the cases' overdue debt: they wait, without blocking."""
        self.with_context(debt_case_close=CLOSE_TOKEN).write({"plan_id": plan.id})
        self._debt_log_batch(dict.fromkeys(self.ids, self.env._(
            "Installment plan %(plan)s covers the overdue debt: the case is paused and does "
            "not block the customer while the plan is kept.", plan=plan.name,
        )))

    def _debt_resume(self, today, message=True):
        """Paused cases go on: their plan ended, or new debt outside it is overdue."""
        if not self:
            return
        if message:
            states = dict(self.env["debt.installment.plan"]._fields["state"]._description_selection(self.env))
            self._debt_log_batch({
                case.id: self.env._(
                    "The case resumes: installment plan %(plan)s no longer covers all the overdue "
                    "debt (%(state)s).", plan=case.plan_id.name, state=states.get(case.plan_id.state, ""),
                )
                for case in self
            })
        self.with_context(debt_case_close=CLOSE_TOKEN).write({"plan_id": False})

    # ------------------------------------------------------------------
    # Stage entry actions
    # ------------------------------------------------------------------

    def _debt_enter_stages(self, today, lines_by_partner=None):
        """Run the entry actions of each case's current stage, once per (case, stage)."""
        cases = self.sudo().filtered(lambda c: c.state == "open" and c.stage_id)
        if not cases:
            return
        History = self.env["debt.collection.case.history"].sudo()
        done = {
            (h.case_id.id, h.stage_id.id)
            for h in History.search([("case_id", "in", cases.ids)])
        }
        fresh = cases.filtered(lambda c: (c.id, c.stage_id.id) not in done)
        if not fresh:
            return
        # one statement (a first run enters thousands of cases), the rows of create()
        insert_rows(History, [
            {"case_id": case.id, "company_id": case.company_id.id, "stage_id": case.stage_id.id,
             "date": today, "kind": "stage",
             "overdue_amount": case.overdue_amount, "overdue_days": case.overdue_days}
            for case in fresh
        ])
        fresh.invalidate_recordset(["history_ids"])
        if lines_by_partner is None:
            by_company = defaultdict(lambda: self.env["res.partner"])
            for case in fresh:
                by_company[case.company_id] |= case.partner_id
            lines_by_partner = {}
            for company, partners in by_company.items():
                lines_by_partner.update(self.env["debt.position"]._debt_due_lines(partners.ids, company, today))
            self._debt_add_penalties(lines_by_partner)
        groups = []
        for case in fresh:
            stage = case.stage_id
            if stage.mail_template_id or stage.sms_template_id:
                groups.append({
                    "record": case,
                    "partner": case.partner_id,
                    "company": case.company_id,
                    "case": case,
                    "stage": stage,
                    "template": stage.mail_template_id,
                    "sms_template": stage.sms_template_id,
                    "user": case.user_id,
                    "lines": self._debt_dunnable(lines_by_partner.get(case.partner_id.id, []), today),
                })
        self._debt_dispatch("stage", groups, today)
        activities = []
        for case in fresh.filtered(lambda c: c.stage_id.activity_type_id or c.stage_id.print_letter):
            user = case.user_id or case.company_id.debt_collector_id or self.env.user
            # The summary is read by the responsible: in the responsible's language.
            stage = case.stage_id.with_context(lang=user.lang)
            activity_type = stage.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
            activities.append({
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": case.id,
                "activity_type_id": activity_type.id,
                "summary": stage.activity_summary or stage.name,
                "user_id": user.id,
                "date_deadline": today,
            })
        if activities:
            self._debt_run_activities().create(activities)
        fresh.filtered(lambda c: c.stage_id.block_customer and not c.block_service).write(
            {"block_service": True}
        )

    @api.model
    def _debt_run_activities(self):
        """``mail.activity`` for the activities of stage entries and reminders. Within a
        run they are created without an "activity assigned" e-mail each (a month end can
        give one collector thousands: their activities list and counter show them); a
        case moved by hand notifies its responsible as Odoo does."""
        return self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=bool(self.env.context.get("debt_run_key")),
        )

    @api.model
    def _debt_dispatch(self, kind, groups, today):
        """Send the reminders of ``groups`` (dicts with record, partner, company, case,
        stage, template, user, lines) for the items not reminded yet for (kind, stage).

        The guard rows are inserted first, in the same transaction as the mails: an item
        already guarded is dropped; a group left without items sends nothing. Customers
        without e-mail get an activity for the responsible instead."""
        groups = [dict(group, kind=kind) for group in groups if group["lines"]]
        if not groups:
            return
        Log = self.env["debt.dunning.log"].sudo()
        numbers = self._debt_sms_numbers(groups)
        rows = []
        for group in groups:
            if group.get("sms_template") and numbers.get(group["partner"].id):
                group["channel"], group["number"] = "sms", numbers[group["partner"].id]
            elif group.get("template") and group["partner"].email:
                group["channel"] = "email"
            else:
                group["channel"] = "activity"
            channel = group["channel"]
            for line in group["lines"]:
                rows.append({
                    "company_id": group["company"].id,
                    "partner_id": group["partner"].id,
                    "case_id": group["case"].id if group.get("case") else False,
                    "move_line_id": line["id"] if not line.get("installment") else False,
                    "installment_line_ref": line["id"] if line.get("installment") else False,
                    "kind": kind,
                    "stage_id": group["stage"].id if group.get("stage") else False,
                    "channel": channel,
                    "date": today,
                    "amount": line["residual"],
                })
        logs = Log._debt_claim(rows)
        if not logs:
            return
        new_keys = {
            (log.move_line_id.id or log.installment_line_ref, log.stage_id.id, log.partner_id.id): log
            for log in logs
        }
        mail_groups = defaultdict(list)
        sms_groups = defaultdict(list)
        activity_groups = []
        for group in groups:
            stage_id = group["stage"].id if group.get("stage") else False
            kept = []
            group_logs = Log.browse()
            for line in group["lines"]:
                log = new_keys.get((line["id"], stage_id, group["partner"].id))
                if log:
                    kept.append(line)
                    group_logs |= log
            if not kept:
                continue
            group["lines"], group["logs"] = kept, group_logs
            if group["channel"] == "sms":
                sms_groups[group["sms_template"]].append(group)
            elif group["channel"] == "email":
                mail_groups[group["template"]].append(group)
            else:
                activity_groups.append(group)
        link = []
        for template, tgroups in mail_groups.items():
            link += self._debt_send_mails(template, tgroups)
        for template, tgroups in sms_groups.items():
            link += self._debt_send_sms(template, tgroups)
        if activity_groups:
            link += self._debt_no_email_activities(activity_groups, today)
        if link:
            Log.flush_model()
            self.env.cr.execute(
                SQL(
                    """
                UPDATE debt_dunning_log l
                   SET mail_id = v.mail_id, activity_id = v.activity_id, message_id = v.message_id
                  FROM (VALUES %s) AS v(id, mail_id, activity_id, message_id)
                 WHERE l.id = v.id
                    """,
                    SQL(", ").join(
                        SQL("(%s, %s::int, %s::int, %s::int)", log_id, mail_id or None,
                            activity_id or None, message_id or None)
                        for log_id, mail_id, activity_id, message_id in link
                    ),
                )
            )
            Log.invalidate_model(["mail_id", "activity_id", "message_id"])

    @api.model
    def _debt_mail_data(self, group):
        lines = group["lines"]
        currency = group["company"].currency_id
        return {
            "items": lines,
            "total": currency.round(sum(line["residual"] for line in lines)),
            "penalty_total": currency.round(sum(line.get("penalty", 0.0) for line in lines)),
            "currency": currency,
            "stage": group.get("stage"),
        }

    @api.model
    def _debt_mail_payment(self, groups, data):
        """Add to each group's mail data how to pay: a pay-now link per item (the
        invoice's portal page, an installment's own link) and for a case's overdue items,
        the early-payment discount of upcoming items (Odoo's own, on the payment term),
        the payment QR code of the sum to pay and the bank details."""
        today = fields.Date.context_today(self)
        invoice_lines = [
            line for group in groups for line in group["lines"] if not line.get("installment")
        ]
        moves = self.env["account.move"].sudo().browse({line["move_id"] for line in invoice_lines})
        self._debt_ensure_portal_tokens(moves)
        # read for all the mails at once (a record browsed alone reads alone)
        portal_urls = {move.id: move.get_portal_url() for move in moves}
        installments = self.env["debt.installment.line"].sudo().browse(
            {line["id"] for group in groups for line in group["lines"] if line.get("installment")}
        )
        installment_urls = {line.id: line._debt_pay_url() for line in installments}
        discounts = self._debt_early_discounts(
            [line for group in groups if group.get("kind") == "upcoming" for line in group["lines"]],
            today,
        )
        Claim = self.env["debt.claim"]
        # customers with a portal login follow their debt on the portal page "My debt"
        portal = set(self.env["res.users"].sudo().search([
            ("share", "=", True),
            ("partner_id.commercial_partner_id", "in", [group["partner"].id for group in groups]),
        ]).partner_id.commercial_partner_id.ids)
        # what is the same for all the mails of a company, found once
        per_company = {}
        for group in groups:
            values = data[group["record"].id]
            company, partner = group["company"], group["partner"]
            if company not in per_company:
                per_company[company] = (
                    company.get_base_url(), Claim._debt_bank_values(company), Claim._debt_company_bank(company)
                )
            base_url, bank_values, bank = per_company[company]
            currency = values["currency"]
            discount_total, discount_date = 0.0, None
            for item in values["items"]:
                if item.get("installment"):
                    item["pay_url"] = installment_urls[item["id"]]
                    continue
                item["pay_url"] = base_url + portal_urls[item["move_id"]]
                if item["id"] in discounts:
                    amount, last_day = discounts[item["id"]]
                    item["discounted"], item["discount_date"] = amount, last_day
                    discount_total += item["residual"] - amount
                    discount_date = min(discount_date or last_day, last_day)
            record = group["record"]
            values["pay_url"] = record._debt_pay_url() if record._name == self._name else False
            values["portal_url"] = f"{base_url}/my/debt" if partner.id in portal else False
            values["discount_total"] = currency.round(discount_total)
            values["discount_date"] = discount_date
            values["to_pay"] = currency.round(values["total"] - discount_total)
            env = self.with_context(lang=partner.lang).env
            for item in values["items"]:
                if item.get("discounted"):
                    item["discount_note"] = env._(
                        "%(amount)s if paid by %(date)s",
                        amount=currency.with_env(env).format(item["discounted"]),
                        date=format_date(env, item["discount_date"]),
                    )
            if discount_total:
                values["discount_text"] = env._(
                    "Early-payment discount: pay %(amount)s instead of %(total)s no later than %(date)s.",
                    amount=currency.with_env(env).format(values["to_pay"]),
                    total=currency.with_env(env).format(values["total"]),
                    date=format_date(env, discount_date),
                )
            numbers = ", ".join(item["number"] for item in values["items"])
            purpose = env._("Payment of %(documents)s", documents=numbers)
            values["purpose"] = purpose
            values["bank"] = bank_values
            values["qr_url"] = Claim._debt_qr_url(
                company, values["to_pay"], purpose, partner, bank=bank, base_url=base_url
            )

    @api.model
    def _debt_sms_numbers(self, groups):
        """``{partner id: sanitized mobile number}`` of the customers of the groups that
        would get an SMS (Odoo's own reading of the mobile, then phone, fields)."""
        partners = self.env["res.partner"].browse(
            {group["partner"].id for group in groups if group.get("sms_template")}
        )
        if not partners:
            return {}
        info = partners.sudo()._sms_get_recipients_info()
        return {pid: data["sanitized"] for pid, data in info.items() if data and data["sanitized"]}

    @api.model
    def _debt_sms_data(self, group):
        """What an SMS says, as text in the customer's language: the shop, the amount,
        the date (the oldest due date; for upcoming items the first one) and the short
        pay-now link."""
        partner, company = group["partner"], group["company"]
        env = self.with_context(lang=partner.lang).env
        lines = group["lines"]
        currency = company.currency_id.with_env(env)
        PayLink = self.env["debt.pay.link"]
        first = lines[0]
        if first.get("installment"):
            target = self.env["debt.installment.line"].sudo().browse(first["id"])
        elif group["record"]._name == self._name:
            target = group["record"]
        else:
            target = self.env["account.move"].sudo().browse(first["move_id"])
        return {
            "company": company.partner_id.name or company.name,
            "amount": currency.format(sum(line["residual"] for line in lines)),
            "date": format_date(env, min(line["date_maturity"] for line in lines if line["date_maturity"])),
            "link": PayLink._debt_short_url(target),
        }

    @api.model
    def _debt_send_sms(self, template, groups):
        """Post the SMS of each group on its record through Odoo's SMS (queued
        ``sms.sms``, sent by Odoo's SMS scheduler); individuals get it within the legal
        hours and limits of SMS, later through Odoo's scheduled messages when it may not
        go now. Return (log id, False, False, message id) links."""
        records = self.env[template.model].browse([group["record"].id for group in groups])
        data = {group["record"].id: self._debt_sms_data(group) for group in groups}
        bodies = template.sudo().with_context(debt_sms=data)._render_field(
            "body", records.ids, compute_lang=True
        )
        company = groups[0]["company"]
        ContactLog = self.env["debt.contact.log"].with_company(company)
        partners = self.env["res.partner"].browse([group["partner"].id for group in groups])
        moments = ContactLog._debt_next_send_moments(partners, channel="sms")
        subtype = self.env.ref("mail.mt_note")
        link = []
        for group in groups:
            record, partner = group["record"].sudo(), group["partner"]
            message = record.with_context(mail_notify_force_send=False)._message_sms(
                bodies[record.id],
                subtype_id=subtype.id,
                partner_ids=partner.ids,
                sms_pid_to_number={partner.id: group["number"]},
                put_in_queue=True,
                scheduled_date=moments.get(partner.id) or False,
            )
            link += [(log.id, False, False, message.id) for log in group["logs"]]
        ContactLog._debt_log_contacts(moments, company, "sms")
        return link

    @api.model
    def _debt_ensure_portal_tokens(self, moves):
        """Give the invoices without one their portal access token, in one statement
        (Odoo's ``_portal_ensure_token`` writes them one by one)."""
        if not moves:
            return
        moves.flush_recordset(["access_token"])
        self.env.cr.execute(SQL(
            "UPDATE account_move SET access_token = gen_random_uuid()::text"
            " WHERE id = ANY(%s) AND access_token IS NULL",
            moves.ids,
        ))
        moves.invalidate_recordset(["access_token"])

    @api.model
    def _debt_early_discounts(self, lines, today):
        """``{line id: (discounted amount, last day)}`` for the due lines whose invoice
        still gives its payment term's early-payment discount today."""
        candidates = self.env["account.move.line"].sudo().browse([line["id"] for line in lines]).filtered(
            lambda aml: aml.discount_date and aml.discount_date >= today
        )
        result = {}
        for aml in candidates:
            move = aml.move_id
            if move._is_eligible_for_early_payment_discount(move.company_id.currency_id, today):
                result[aml.id] = (move.company_id.currency_id.round(aml.discount_balance), aml.discount_date)
        return result

    @api.model
    def _debt_send_mails(self, template, groups):
        """Render ``template`` once per group in one batch, queue the mails for the
        allowed moment of each debtor; return (log id, mail id, False, False) links.

        The mails are those ``send_mail_batch`` makes (the same rendering, the same rows),
        created with one statement per table; a template with a layout or attachments
        goes through ``send_mail_batch`` itself."""
        records = self.env[template.model].browse([group["record"].id for group in groups])
        data = {group["record"].id: self._debt_mail_data(group) for group in groups}
        self._debt_mail_payment(groups, data)
        partners = self.env["res.partner"].browse([group["partner"].id for group in groups])
        company = groups[0]["company"]
        ContactLog = self.env["debt.contact.log"].with_company(company)
        moments = ContactLog._debt_next_send_moments(partners)
        template = template.sudo().with_context(debt_mail=data)
        mails = self._debt_render_mails(template, records, groups, moments)
        if mails is not None:
            # in the order of the records (reading them back would fetch every body)
            mail_by_res = dict(zip(records.ids, mails, strict=True))
        else:
            mails = template.send_mail_batch(records.ids)
            mail_by_res = {mail.res_id: mail for mail in mails}
            by_moment = defaultdict(lambda: self.env["mail.mail"])
            for group in groups:
                moment = moments.get(group["partner"].id)
                if moment:
                    by_moment[moment] |= mail_by_res[group["record"].id]
            for moment, moment_mails in by_moment.items():
                moment_mails.write({"scheduled_date": moment})
        ContactLog._debt_log_emails(moments, company)
        return [
            (log.id, mail_by_res[group["record"].id].id, False, False)
            for group in groups for log in group["logs"]
        ]

    #: What ``send_mail_batch`` renders of a template.
    _DEBT_MAIL_FIELDS = (
        "attachment_ids", "auto_delete", "body_html", "email_cc", "email_from", "email_to",
        "mail_server_id", "model", "partner_to", "reply_to", "report_template_ids", "res_id",
        "scheduled_date", "subject",
    )

    @api.model
    def _debt_render_mails(self, template, records, groups, moments):
        """The mails of ``template`` on ``records`` as ``send_mail_batch`` makes them
        (without a layout, attachments or reports), scheduled at the debtors' allowed
        moments, created in bulk; None when the template needs ``send_mail_batch``."""
        if template.email_layout_xmlid or template.attachment_ids or template.report_template_ids:
            return None
        template._send_check_access(records.ids)
        values_by_res = template._generate_template(records.ids, self._DEBT_MAIL_FIELDS)
        moment_by_res = {group["record"].id: moments.get(group["partner"].id) for group in groups}
        vals_list = []
        for res_id in records.ids:
            values = dict(values_by_res[res_id])
            if values.pop("attachments", None) or values.get("attachment_ids"):
                return None
            values.pop("attachment_ids", None)
            values["recipient_ids"] = list(values.get("partner_ids") or [])
            if "email_from" in values and not values.get("email_from"):
                values.pop("email_from")
            values["body"] = values["body_html"]
            if moment_by_res.get(res_id):
                values["scheduled_date"] = moment_by_res[res_id]
            vals_list.append(values)
        return self.env["mail.mail"].sudo()._debt_create_batch(vals_list)

    @api.model
    def _debt_no_email_activities(self, groups, today):
        todo = self.env.ref("mail.mail_activity_data_todo")
        vals = []
        for group in groups:
            user = group["user"] or group["company"].debt_collector_id or self.env.user
            # Texts and amounts in the language of the responsible who reads them.
            env = self.with_context(lang=user.lang).env
            data = self._debt_mail_data(group)
            currency = data["currency"].with_env(env)
            items = "".join(
                f"<li>{line['number']}: {currency.format(line['residual'])}</li>"
                for line in group["lines"]
            )
            intro = env._("Items due, total %(total)s:", total=currency.format(data["total"]))
            vals.append({
                "res_model_id": self.env["ir.model"]._get_id(group["record"]._name),
                "res_id": group["record"].id,
                "activity_type_id": todo.id,
                "summary": env._("Remind %(partner)s: no e-mail address", partner=group["partner"].name),
                "note": f"<p>{intro}</p><ul>{items}</ul>",
                "user_id": user.id,
                "date_deadline": today,
            })
        activities = self._debt_run_activities().create(vals)
        return [
            (log.id, False, activity.id, False)
            for group, activity in zip(groups, activities, strict=False) for log in group["logs"]
        ]

    # ------------------------------------------------------------------
    # Upcoming and late-installment reminders
    # ------------------------------------------------------------------

    @api.model
    def _debt_upcoming_reminders(self, partners, company, today, lines_by_partner, case_by_partner):
        """Remind due lines falling due within the company's notice period, once each."""
        days = company.debt_upcoming_days
        if days <= 0:
            return
        horizon = today + timedelta(days=days)
        template = self.env.ref("auto_service_debt.mail_template_debt_upcoming", raise_if_not_found=False)
        groups = []
        for partner in partners:
            lines = [
                line for line in lines_by_partner.get(partner.id, [])
                if line["date_maturity"] and today <= line["date_maturity"] <= horizon
                and not line["disputed"] and not line["in_plan"]
            ]
            if not lines:
                continue
            case = case_by_partner.get(partner.id)
            groups.append({
                "record": partner,
                "partner": partner,
                "company": company,
                "case": case,
                "stage": None,
                "template": template,
                "sms_template": company.debt_upcoming_sms_template_id,
                "user": (case and case.user_id) or partner.user_id or company.debt_collector_id
                or self.env["res.users"].browse(self._debt_line_user(lines) or self.env.uid),
                "lines": lines,
            })
        if groups:
            self._debt_add_penalties({g["partner"].id: g["lines"] for g in groups})
            self._debt_dispatch("upcoming", groups, today)

    @api.model
    def _debt_installment_reminders(self, partners, company, today, case_by_partner):
        """Remind the late lines of installment plans, once per line."""
        if "debt.installment.plan" not in self.env:
            return
        Plan = self.env["debt.installment.plan"].sudo().with_company(company)
        if not hasattr(Plan, "_debt_late_lines"):
            return
        late = Plan._debt_late_lines(company, today)
        if not late:
            return
        template = self.env.ref(
            "auto_service_debt.mail_template_debt_installment_late", raise_if_not_found=False
        )
        currency = company.currency_id
        by_partner = defaultdict(list)
        batch = set(partners.ids)
        for line in late:
            partner = self._debt_installment_partner(line)
            if partner.id not in batch:
                continue
            due = self._debt_first_value(line, ("date_due", "due_date", "date_maturity", "date"))
            amount = self._debt_first_value(line, ("amount", "amount_total"), 0.0)
            residual = self._debt_first_value(
                line, ("left_amount", "amount_residual", "amount_due", "amount_left", "residual"), amount
            )
            by_partner[partner.id].append({
                "id": line.id,
                "installment": True,
                "number": line.display_name,
                "invoice_date": due,
                "date_maturity": due,
                "amount": amount,
                "paid": currency.round(amount - residual),
                "residual": residual,
                "days_late": max((today - due).days, 0) if due else 0,
                "penalty": 0.0,
            })
        groups = []
        for partner in partners.filtered(lambda p: p.id in by_partner):
            case = case_by_partner.get(partner.id)
            groups.append({
                "record": partner,
                "partner": partner,
                "company": company,
                "case": case,
                "stage": None,
                "template": template,
                "sms_template": company.debt_installment_sms_template_id,
                "user": (case and case.user_id) or partner.user_id or company.debt_collector_id
                or self.env.user,
                "lines": by_partner[partner.id],
            })
        self._debt_dispatch("installment", groups, today)

    @api.model
    def _debt_installment_partner(self, line):
        for name in ("partner_id", "plan_id"):
            if name in line._fields:
                value = line[name]
                if value._name == "res.partner":
                    return value.commercial_partner_id
                if "partner_id" in value._fields:
                    return value.partner_id.commercial_partner_id
        return self.env["res.partner"]

    @api.model
    def _debt_first_value(self, record, names, default=False):
        for name in names:
            if name in record._fields:
                return record[name]
        return default

    # ------------------------------------------------------------------
    # Collector actions
    # ------------------------------------------------------------------

    def _debt_send_manual_reminder(self, channel="email"):
        """Send now (within the legal hours) a reminder of the overdue items of each
        case, in the wording of its stage (``_debt_manual_template``), by e-mail or by
        SMS (the stage's SMS, else the shipped reminder SMS)."""
        today = fields.Date.context_today(self)
        groups = []
        sms_default = self.env.ref("auto_service_debt.sms_template_debt_reminder", raise_if_not_found=False)
        for case in self.sudo().filtered(lambda c: c.state == "open"):
            lines = self._debt_dunnable(case._debt_open_lines(today), today)
            if not lines:
                continue
            groups.append({
                "record": case,
                "partner": case.partner_id,
                "company": case.company_id,
                "case": case,
                "stage": None,
                "template": case._debt_manual_template() if channel == "email" else False,
                "sms_template": (case.stage_id.sms_template_id or sms_default) if channel == "sms" else False,
                "user": case.user_id,
                "lines": lines,
            })
        if not groups:
            raise UserError(self.env._(
                "None of the selected cases has an overdue item to remind: %(cases)s.",
                cases=", ".join(self.mapped("name")),
            ))
        if channel == "sms":
            numbers = self._debt_sms_numbers(groups)
            missing = [group["record"] for group in groups if not numbers.get(group["partner"].id)]
            if missing:
                names = ", ".join("%s (%s)" % (case.name, case.partner_id.display_name) for case in missing)
                raise UserError(self.env._(
                    "No mobile number to send an SMS to for %(cases)s: add it on the customer, "
                    "or send the reminder by e-mail.",
                    cases=names,
                ))
        self._debt_add_penalties({g["partner"].id: g["lines"] for g in groups})
        self._debt_dispatch("manual", groups, today)
        return len(groups)

    def _debt_manual_template(self):
        """The wording of a reminder sent by hand: the stage's template for manual
        reminders, else its entry e-mail, else the entry e-mail of the last stage before it
        that has one (never a softer stage's wording than the case has reached)."""
        self.ensure_one()
        stage = self.stage_id
        if stage.manual_template_id or stage.mail_template_id:
            return stage.manual_template_id or stage.mail_template_id
        stages = stage._debt_stages(self.company_id)
        ids = stages.ids
        earlier = stages[:ids.index(stage.id)] if stage.id in ids else stages.browse()
        for previous in reversed(earlier):
            if previous.mail_template_id:
                return previous.mail_template_id
        return self.env.ref("auto_service_debt.mail_template_debt_reminder")

    def action_view_contacts(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Contacts"),
            "res_model": "debt.contact.log",
            "view_mode": "list,form",
            "domain": [("case_id", "=", self.id)],
            "context": {"default_case_id": self.id, "default_partner_id": self.partner_id.id},
        }

    def action_view_reminders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reminders"),
            "res_model": "debt.dunning.log",
            "view_mode": "list",
            "domain": [("case_id", "=", self.id)],
        }

    def action_refresh(self):
        """Recompute the figures of the cases now; they close, pause or resume as their
        debt says (the settle step of an event)."""
        today = fields.Date.context_today(self)
        for company in self.company_id:
            cases = self.filtered(lambda c: c.company_id == company and c.state == "open")
            positions = self.env["debt.position"]._get_positions(cases.partner_id, company, today)
            self.sudo()._debt_settle_cases(cases.partner_id, company, today, positions)
            cases = cases.filtered(lambda c: c.state == "open")
            lines = self.env["debt.position"]._debt_due_lines(cases.partner_id.ids, company, today)
            figures = {}
            for case in cases:
                dunnable = self._debt_dunnable(lines.get(case.partner_id.id, []), today)
                figures[case.id] = (
                    positions[case.partner_id.id], dunnable,
                    max((line["days_late"] for line in dunnable), default=0),
                )
            self.sudo()._debt_write_figures(figures)
        return True

    # ------------------------------------------------------------------
    # Agency export
    # ------------------------------------------------------------------

    def _debt_export_rows(self, today=None):
        """Items of the case file: every open due line with its figures and penalties;
        ``overdue`` marks the items claimed (past due and not under a plan on time)."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        lines = {self.partner_id.id: self._debt_open_lines(today)}
        self._debt_add_penalties(lines)
        rows = lines[self.partner_id.id]
        for line in rows:
            line["overdue"] = is_overdue(line, today)
        return rows

    @api.model
    def _debt_penalty_label(self, kind):
        """Name of the penalty column of ``kind`` in the case file."""
        _ = self.env._
        if kind == "key_rate":
            return _("Interest (art. 395 Civil Code)")
        if kind == "contract":
            return _("Contractual penalty")
        return _("Penalties")

    def _debt_export_xlsx(self, today=None):
        """The case file as XLSX bytes: the debtor's identification and contact data,
        the overdue items with their totals (what is claimed), then the items not yet
        due, listed apart and never added to the claim."""
        self.ensure_one()
        import openpyxl  # external dependency of the addon
        from openpyxl.styles import Font

        today = today or fields.Date.context_today(self)
        rows = self._debt_export_rows(today)
        overdue = [line for line in rows if line["overdue"]]
        later = [line for line in rows if not line["overdue"]]
        currency = self.currency_id
        partner = self.partner_id
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Case"
        bold = Font(bold=True)
        _ = self.env._
        banks = ", ".join(
            " ".join(filter(None, [
                bank.acc_number, bank.bank_id.name, bank.bank_id.bic and _("BIC %(bic)s", bic=bank.bank_id.bic),
            ]))
            for bank in partner.bank_ids
        )
        header = [
            (_("Case"), self.name),
            (_("Customer"), partner.name),
            (_("Tax ID"), partner.vat or ""),
            (_("OGRN"), partner.company_registry or ""),
            (_("KPP"), partner.debt_kpp or ""),
            (_("Bank Account"), banks),
            (_("Address"), partner._display_address(without_company=True).replace("\n", ", ")),
            (_("Phone"), partner.phone or partner.mobile or ""),
            (_("E-mail"), partner.email or ""),
            (_("Creditor"), self.company_id.name),
            (_("Stage"), self.stage_id.name or ""),
            (_("Collection Agency"), self.agency_partner_id.name or ""),
            (_("Agency Agreement"), self.agency_agreement_id.name or ""),
            (_("Handed Over On"), self.agency_date or ""),
            (_("Recall On"), self.agency_recall_date or ""),
            (_("Agency Commission (%)"), self.agency_commission),
            (_("Claim Number"), self.claim_number or ""),
            (_("Claim Sent On"), self.claim_date or ""),
            (_("Date of Export"), today),
        ]
        for label, value in header:
            sheet.append([label, value])
            sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append([])
        # one penalty column per kind charged (art. 395 interest, contractual penalty)
        kinds = list(dict.fromkeys(
            line.get("penalty_kind") for line in rows if line.get("penalty_kind")
        )) or [False]
        columns = [
            _("Invoice"), _("Invoice Date"), _("Due Date"), _("Days Late"), _("Amount"),
            _("Paid"), _("Amount Due"), *[self._debt_penalty_label(kind) for kind in kinds], _("Disputed"),
        ]
        width = len(columns)

        def penalties(line):
            return [
                currency.round(line["penalty"]) if line.get("penalty_kind", False) == kind
                or (kind is False and not line.get("penalty_kind")) else 0.0
                for kind in kinds
            ]

        def add_items(title, items):
            sheet.append([title])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append(columns)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for line in items:
                sheet.append([
                    line["number"], line["invoice_date"], line["date_maturity"], line["days_late"],
                    currency.round(line["amount"]), currency.round(line["paid"]),
                    currency.round(line["residual"]), *penalties(line),
                    _("Yes") if line["disputed"] else "",
                ])
            return [
                currency.round(sum(line[key] for line in items)) for key in ("amount", "paid", "residual")
            ] + [
                currency.round(sum(penalties(line)[i] for line in items)) for i in range(len(kinds))
            ]

        first = sheet.max_row + 1
        totals = add_items(_("Overdue items (claimed)"), overdue)
        sheet.append([_("Total"), None, None, None] + totals)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.append([_("Total Claimed"), None, None, None, None, None,
                      currency.round(totals[2] + sum(totals[3:]))])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        provisional = [line for line in overdue if line.get("penalty_provisional")]
        if provisional:
            known = self.company_id.debt_key_rate_known_until
            sheet.append([_(
                "Provisional: key rates known up to %(date)s; the interest stops at that date "
                "and grows once the rates are published.",
                date=known.strftime("%d.%m.%Y") if known else "",
            )])
        if later:
            sheet.append([])
            later_totals = add_items(_("Not yet due (not claimed)"), later)
            sheet.append([_("Total not yet due"), None, None, None] + later_totals)
        for row in sheet.iter_rows(min_row=first, max_row=sheet.max_row):
            if len(row) < width:
                continue
            for cell in row[1:3]:
                if not isinstance(cell.value, str):
                    cell.number_format = "DD.MM.YYYY"
            for cell in row[4:7 + len(kinds)]:
                if not isinstance(cell.value, str):
                    cell.number_format = "#,##0.00"
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 40
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()

    # ------------------------------------------------------------------
    # Agency and court
    # ------------------------------------------------------------------

    def _compute_agency_collected(self):
        sums = dict(self.env["debt.agency.report"]._read_group(
            [("case_id", "in", self.ids), ("kind", "=", "collected")], ["case_id"], ["amount:sum"]
        ))
        for case in self:
            case.agency_collected_amount = sums.get(case, 0.0)

    @api.depends("court_event_ids.kind", "court_event_ids.date", "court_event_ids.court_name",
                 "court_event_ids.court_case_number", "court_event_ids.court_fee",
                 "court_event_ids.amount_awarded", "court_event_ids.writ_number",
                 "court_event_ids.bailiff_number", "court_event_ids.amount")
    def _compute_court(self):
        for case in self:
            latest = {}
            for event in case.court_event_ids.sorted(lambda e: (e.date, e.id)):
                latest[event.kind] = event
            filing = latest.get("filing", self.env["debt.court.event"])
            decision = latest.get("decision", self.env["debt.court.event"])
            case.court_name = filing.court_name
            case.court_case_number = filing.court_case_number
            case.court_filing_date = filing.date
            case.court_fee = filing.court_fee
            case.court_decision_date = decision.date
            case.court_amount_awarded = decision.amount_awarded
            case.court_writ_number = latest["writ"].writ_number if "writ" in latest else False
            case.court_bailiff_number = (
                latest["enforcement"].bailiff_number if "enforcement" in latest else False
            )
            case.court_recovered_amount = sum(
                case.court_event_ids.filtered(lambda e: e.kind == "recovery").mapped("amount")
            )

    @api.model
    def _debt_bank_journal(self, company):
        journal = self.env["account.journal"].sudo().search([
            *self.env["account.journal"]._check_company_domain(company), ("type", "=", "bank"),
        ], order="sequence, id", limit=1)
        if not journal:
            raise UserError(self.env._(
                "%(company)s has no bank journal to record the customer's payment in: create one "
                "in Accounting, Configuration, Journals.", company=company.name,
            ))
        return journal

    def _debt_check_amount_owed(self, amount, date):
        """Refuse an amount received that is not positive or more than the customer owes;
        return the customer's open due lines, oldest first."""
        self.ensure_one()
        currency = self.company_id.currency_id
        amount = currency.round(amount or 0.0)
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(self.env._(
                "Case %(case)s: the amount received must be positive, not %(amount)s.",
                case=self.name, amount=currency.format(amount),
            ))
        lines = self._debt_open_lines(date)
        owed = currency.round(sum(line["residual"] for line in lines))
        if currency.compare_amounts(amount, owed) > 0:
            raise ValidationError(self.env._(
                "Case %(case)s: %(amount)s is more than %(partner)s owes (%(owed)s). Record at most "
                "the amount owed.",
                case=self.name, amount=currency.format(amount), partner=self.partner_id.display_name,
                owed=currency.format(owed),
            ))
        return lines

    def _debt_record_payment(self, amount, date, memo, journal=None):
        """Post an incoming payment of the case's customer for ``amount`` on ``date`` and
        match it with the customer's oldest open items. The payment is an ordinary one:
        the event path closes the case when nothing is left."""
        self.ensure_one()
        company = self.company_id
        currency = company.currency_id
        amount = currency.round(amount or 0.0)
        lines = self._debt_check_amount_owed(amount, date)
        journal = journal or self._debt_bank_journal(company)
        payment = self.env["account.payment"].sudo().with_company(company).create({
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": self.partner_id.id,
            "company_id": company.id,
            "journal_id": journal.id,
            "amount": amount,
            "currency_id": currency.id,
            "date": date,
            "memo": memo,
        })
        payment.action_post()
        # the oldest items that the amount reaches (Odoo matches them by due date)
        chosen, left = [], amount
        for line in lines:
            if currency.compare_amounts(left, 0.0) <= 0:
                break
            chosen.append(line["id"])
            left -= line["residual"]
        receivable = payment.move_id.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        (receivable | self.env["account.move.line"].sudo().browse(chosen)).reconcile()
        return payment

    def _debt_hand_over(self, agreement, date):
        """Hand the open cases over to the agency of ``agreement`` on ``date``: recall date,
        stage of handed-over cases (the former one kept), chatter, history, case file."""
        if agreement.state != "active":
            raise UserError(self.env._(
                "Agency agreement %(name)s is not active: activate it before handing cases over.",
                name=agreement.name,
            ))
        if agreement.end_date and agreement.end_date <= date:
            raise UserError(self.env._(
                "Agency agreement %(name)s ends on %(end)s: cases can no longer be handed over "
                "under it.", name=agreement.name, end=agreement.end_date,
            ))
        for case in self:
            if case.state != "open":
                raise UserError(self.env._(
                    "Case %(case)s is closed: only open cases are handed over.", case=case.name,
                ))
            if case.company_id != agreement.company_id:
                raise UserError(self.env._(
                    "Case %(case)s is of %(company)s and agreement %(name)s of %(other)s: choose an "
                    "agreement of the case's company.", case=case.name, company=case.company_id.name,
                    name=agreement.name, other=agreement.company_id.name,
                ))
            if case.agency_agreement_id:
                raise UserError(self.env._(
                    "Case %(case)s is already handed over to %(agency)s until %(date)s: recall it "
                    "first.", case=case.name, agency=case.agency_partner_id.display_name,
                    date=case.agency_recall_date,
                ))
        recall = agreement._debt_recall_date(date)
        for case in self:
            case.write({
                "agency_agreement_id": agreement.id,
                "agency_date": date,
                "agency_recall_date": recall,
                "agency_prev_stage_id": case.stage_id.id,
            })
        stage = agreement.stage_id
        if stage:
            self.filtered(lambda c: c.stage_id != stage).write({"stage_id": stage.id})
        attachments = {}
        for case in self:
            text = self.env._(
                "Case handed over to %(agency)s under agreement %(name)s on %(date)s, commission "
                "%(commission)s %%; it comes back on %(recall)s unless paid.",
                agency=agreement.partner_id.display_name, name=agreement.name, date=date,
                commission=agreement.commission_percent, recall=recall,
            )
            attachments[case] = case._debt_attach_export()
            case._message_log(body=text, attachment_ids=attachments[case].ids)
            case._debt_history_event("agency_handover", date, text, agreement)
        return attachments

    def _debt_attach_export(self):
        """The hand-over file of the case, attached to it."""
        self.ensure_one()
        import base64

        return self.env["ir.attachment"].create({
            "name": f"{self.name.replace('/', '-')}-{self.partner_id.name}.xlsx",
            "datas": base64.b64encode(self._debt_export_xlsx()),
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })

    def _debt_agency_recall(self, today, term_over=False):
        """The handed-over cases come back to the shop: agreement cleared (kept in the
        history), stage set back to the one before the hand-over. One history insert and
        one write per former stage, whatever the number of cases."""
        cases = self.filtered("agency_agreement_id")
        if not cases:
            return cases
        history = []
        by_stage = defaultdict(self.browse)
        for case in cases:
            agreement = case.agency_agreement_id
            if term_over:
                text = self.env._(
                    "The term of agency %(agency)s (agreement %(name)s) ended on %(date)s: the case "
                    "is back with the shop.",
                    agency=agreement.partner_id.display_name, name=agreement.name,
                    date=case.agency_recall_date,
                )
            else:
                text = self.env._(
                    "Case recalled from agency %(agency)s (agreement %(name)s) on %(date)s.",
                    agency=agreement.partner_id.display_name, name=agreement.name, date=today,
                )
            history.append(case._debt_history_values("agency_recall", today, text, agreement))
            case._message_log(body=text)
            by_stage[case.agency_prev_stage_id or case.stage_id] |= case
        self.env["debt.collection.case.history"].sudo().create(history)
        for stage, stage_cases in by_stage.items():
            stage_cases.with_context(debt_no_entry_actions=True).write({
                "agency_agreement_id": False, "agency_recall_date": False, "agency_prev_stage_id": False,
                "stage_id": stage.id,
            })
        return cases

    def action_debt_agency_recall(self):
        """The collector takes the cases back from the agency before the end of its term."""
        if not self.env.user.has_group("auto_service_debt.group_debt_collector"):
            raise AccessError(self.env._("Only a Debt Collector or Manager may recall a case."))
        cases = self.filtered(lambda c: c.state == "open" and c.agency_agreement_id)
        if not cases:
            raise UserError(self.env._(
                "None of the cases %(cases)s is handed over to an agency.",
                cases=", ".join(self.mapped("name")),
            ))
        cases._debt_agency_recall(fields.Date.context_today(self))
        return True

    def _debt_history_values(self, kind, date, note, agreement=None):
        """Values of a row of the stage history for an event of the case (no stage: the
        (case, stage) pairs of the stage entries stay unique)."""
        self.ensure_one()
        return {
            "case_id": self.id,
            "kind": kind,
            "date": date,
            "note": note,
            "agency_agreement_id": agreement.id if agreement else False,
            "overdue_amount": self.overdue_amount,
            "overdue_days": self.overdue_days,
        }

    def _debt_history_event(self, kind, date, note, agreement=None):
        return self.env["debt.collection.case.history"].sudo().create(
            self._debt_history_values(kind, date, note, agreement)
        )

    def _debt_new_entry_action(self, model, name, context):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": dict(context, default_case_id=self.id, default_company_id=self.company_id.id),
        }

    def action_debt_agency_report(self):
        return self._debt_new_entry_action(
            "debt.agency.report", self.env._("Agency Report"), {"default_kind": "progress"},
        )

    def action_debt_agency_collected(self):
        return self._debt_new_entry_action(
            "debt.agency.report", self.env._("Amount Collected by the Agency"), {"default_kind": "collected"},
        )

    def action_debt_court_step(self):
        kind = self.env.context.get("debt_court_kind", "filing")
        labels = dict(self.env["debt.court.event"]._fields["kind"]._description_selection(self.env))
        return self._debt_new_entry_action(
            "debt.court.event", labels.get(kind, ""), {"default_kind": kind},
        )

    # ------------------------------------------------------------------
    # Claim letters
    # ------------------------------------------------------------------

    debt_claim_ids = fields.One2many("debt.claim", "case_id", string="Claim Letters")
    debt_claim_count = fields.Integer(compute="_compute_debt_claim_count", string="Claims")
    open_line_ids = fields.Many2many(
        "account.move.line", compute="_compute_open_line_ids", string="Open Items",
        help="The customer's open due items in the company, oldest due date first.",
    )
    debt_chain_info = fields.Text(
        string="Elsewhere in the Chain", compute="_compute_debt_chain_info",
        help="What the customer owes and how late in the other shops of the chain: per shop "
        "for the shops you work in, else the totals only.",
    )

    def _compute_debt_claim_count(self):
        counts = dict(self.env["debt.claim"]._read_group(
            [("case_id", "in", self.ids)], ["case_id"], ["__count"]
        ))
        for case in self:
            case.debt_claim_count = counts.get(case, 0)

    def _debt_current_claim(self):
        """The claim of this case that a print repeats: the last one not cancelled."""
        self.ensure_one()
        return self.env["debt.claim"].search(
            [("case_id", "=", self.id), ("state", "=", "issued")], order="id desc", limit=1
        )

    # ------------------------------------------------------------------
    # Follow-up screen and bulk actions
    # ------------------------------------------------------------------

    def _compute_open_line_ids(self):
        # one read of the due lines per company (the position's reader)
        today = fields.Date.context_today(self)
        Line = self.env["account.move.line"]
        self.open_line_ids = False
        for company in self.company_id:
            cases = self.filtered(lambda case, co=company: case.company_id == co and case.partner_id)
            lines = self.env["debt.position"]._debt_due_lines(cases.partner_id.ids, company, today)
            for case in cases:
                case.open_line_ids = Line.browse([line["id"] for line in lines.get(case.partner_id.id, [])])

    @api.depends_context("uid", "lang")
    def _compute_debt_chain_info(self):
        # one statement per company (res.partner._debt_chain_summary), as the user may see it
        today = fields.Date.context_today(self)
        Partner = self.env["res.partner"]
        self.debt_chain_info = False
        for company in self.company_id:
            cases = self.filtered(lambda case, co=company: case.company_id == co and case.partner_id)
            chains = self.env["debt.position"].sudo()._get_chain_positions(cases.partner_id, company, today)
            formatter = Partner._debt_reason_formatter(company)
            for case in cases:
                texts = Partner._debt_chain_texts(company, chains.get(case.partner_id.id, []), formatter)
                case.debt_chain_info = "\n".join(texts) or False

    def _debt_claim_refusals(self):
        """``{case: why no claim may be issued now}`` for the cases whose stage has not
        reached the company's claim stage, the first legal stage of its ladder (stages are
        entered through their gates)."""
        refusals = {}
        facts = self._debt_gate_facts(self)
        today = fields.Date.context_today(self)
        Stage = self.env["debt.collection.stage"]
        ladders = {company: Stage._debt_stages(company) for company in self.company_id}
        for case in self:
            if case.state != "open":
                refusals[case] = self.env._("the case is closed")
                continue
            stages = ladders[case.company_id]
            claim_stage = stages.filtered("legal")[:1]
            if not claim_stage or not case.stage_id or self._debt_is_later(stages, claim_stage, case.stage_id):
                why = claim_stage._debt_gate_missing(facts.get(case.id, {}), today) if claim_stage else ""
                where = self.env._(
                    "at the stage «%(stage)s», before «%(claim_stage)s»",
                    stage=case.stage_id.name or "-", claim_stage=claim_stage.name or "-",
                )
                refusals[case] = ": ".join(part for part in (where, why) if part)
        return refusals

    def action_debt_issue_claims(self):
        """Issue the claim of each selected case whose stage allows one (a case that has one
        keeps it); say which cases were refused and why."""
        if not self.env.user.has_group("auto_service_debt.group_debt_collector"):
            raise AccessError(self.env._("Only debt collectors and managers issue claims."))
        refusals = self._debt_claim_refusals()
        refused = "; ".join(
            "%s (%s) %s" % (case.name, case.partner_id.display_name, why) for case, why in refusals.items()
        )
        allowed = self.filtered(lambda c: c not in refusals)
        if not allowed:
            raise UserError(self.env._("No claim issued: %(refused)s.", refused=refused))
        claims = self.env["debt.claim"]
        for case in allowed:
            claims |= case._debt_ensure_claim()
        message = self.env._("%(count)s claim(s) issued: %(claims)s.", count=len(claims),
                             claims=", ".join(claims.mapped("name")))
        if refusals:
            message += " " + self.env._("Refused: %(refused)s.", refused=refused)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if refusals else "success",
                "sticky": bool(refusals),
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_debt_remind_email(self):
        return self._debt_remind_action("email")

    def action_debt_remind_sms(self):
        return self._debt_remind_action("sms")

    def _debt_remind_action(self, channel, then=None):
        """Send the cases' reminders by ``channel`` now; a notification, then ``then``
        (default: reload the screen, which shows the reminder in its counters)."""
        if not self.env.user.has_group("auto_service_debt.group_debt_collector"):
            raise AccessError(self.env._("Only debt collectors and managers send reminders."))
        count = self._debt_send_manual_reminder(channel)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s reminder(s) queued.", count=count),
                "next": then or {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _debt_ensure_claim(self):
        self.ensure_one()
        claim = self._debt_current_claim()
        if not claim:
            claim = self.env["debt.claim"]._debt_issue(self.partner_id, self.company_id, case=self)
        elif self.claim_id != claim:
            claim._debt_record_on_case()
        return claim

    def action_debt_print_claim(self):
        """Issue the case's claim on the first print (number, date and deadline go on the
        case); later prints repeat the same claim."""
        self.ensure_one()
        return self._debt_ensure_claim().action_print()

    def action_debt_send_claim(self):
        self.ensure_one()
        return self._debt_ensure_claim().action_send_email()

    def action_debt_view_claims(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("auto_service_debt.action_debt_claim")
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_debt_print_stage_letter(self):
        return self.env.ref("auto_service_debt.action_report_stage_reminder_letter").report_action(self)

    # Days the customer gets to pay after a stage reminder letter.
    STAGE_LETTER_DAYS = 7

    def _get_stage_letter_values(self):
        """Reminder letter of the case's current stage, as plain data."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        Claim = self.env["debt.claim"]
        cur = self.currency_id
        lines = self._debt_dunnable(self._debt_open_lines(today), today)
        items = [{
            "number": line["number"],
            "date": line["invoice_date"],
            "date_due": line["date_maturity"],
            "amount": cur.round(line["amount"]),
            "left": cur.round(line["residual"]),
            "days_late": line["days_late"],
        } for line in lines]
        stages = self.env["debt.collection.stage"]._debt_stages(self.company_id)
        later = stages.filtered(lambda s: s.days_overdue > (self.stage_id.days_overdue or 0))
        return {
            "date": today,
            "lang": self.partner_id.lang or "en_US",
            "currency": Claim._debt_currency_label(cur, self.partner_id.lang),
            "stage": self.stage_id.name or "",
            # the last letter before the claim warns of it
            "final": bool(later[:1].legal) and not self.stage_id.legal,
            "addressee": Claim._debt_party_values(self.partner_id),
            "items": items,
            "total": cur.round(sum(item["left"] for item in items)),
            "pay_by": today + timedelta(days=self.STAGE_LETTER_DAYS),
            # short enough to type from paper
            "pay_url": self.env["debt.pay.link"]._debt_short_url(self) if items else False,
            "payment": Claim._debt_bank_values(
                self.company_id, cur.round(sum(item["left"] for item in items)),
                self.with_context(lang=self.partner_id.lang).env._(
                    "Payment of the debt, case %(case)s", case=self.name),
                self.partner_id,
            ),
            "signature": {
                "company": self.company_id.name,
                "title": self.company_id.debt_claim_signatory_title or "",
                "name": self.company_id.debt_claim_signatory_name or "",
            },
        }
