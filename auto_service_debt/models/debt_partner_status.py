"""Stored block flag per customer and company, and the one event path that keeps it true:
events mark (customer, company) pairs, one settle step per transaction refreshes them."""

from collections import defaultdict

from odoo import api, fields, models, tools
from odoo.tools import SQL

# Key, in the cursor's ``precommit.data``, of the pairs marked in this transaction:
# ``{company_id: set(commercial partner ids) or ALL}``.
MARKED = "auto_service_debt.marked"
#: Every candidate of a company (a change of the company's block settings).
ALL = "all"


class DebtPartnerStatus(models.Model):
    """The last evaluated block state of a commercial partner in a company.

    Written only in bulk with SQL by ``_debt_refresh``; the confirmation check never
    reads it (it evaluates live)."""

    _name = "debt.partner.status"
    _description = "Customer Block Status"
    _order = "company_id, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    blocked = fields.Boolean(index=True)
    reasons = fields.Text()
    exposure = fields.Monetary(currency_field="currency_id")
    overdue_amount = fields.Monetary(currency_field="currency_id")
    overdue_days = fields.Integer()
    credit_limit = fields.Monetary(currency_field="currency_id")
    refreshed_at = fields.Datetime(
        string="Changed", help="When these figures were last found different."
    )

    _sql_constraints = [
        ("partner_company_uniq", "unique(partner_id, company_id)",
         "A customer has one block status per company."),
    ]

    @api.model
    def _debt_refresh(self, partners, company, today=None, commercial=False):
        """Re-evaluate and upsert the flags of ``partners`` (any contacts: their
        commercial partners are used; ``commercial``: they are commercial partners
        already) in ``company``, in a constant number of queries. A row whose figures
        did not change is not rewritten."""
        if not commercial:
            partners = partners.commercial_partner_id.filtered("id")
        if not partners:
            return
        Partner = self.env["res.partner"]
        # Stored reasons are read by everyone: write them in the company's language.
        lang = company.partner_id.lang or self.env.lang or "en_US"
        evaluations = Partner.with_context(lang=lang)._debt_evaluate(
            company, [(partner, 0.0, None) for partner in partners], today, commercial=True
        )
        rows = []
        for ev in evaluations:
            pos = ev["position"]
            rows.append((
                ev["partner_id"], bool(ev["reasons"]), "\n".join(ev["messages"]) or None,
                pos["exposure"], pos["overdue_amount"], pos["overdue_days"], ev["policy"]["credit_limit"],
            ))
        self.flush_model()
        columns = list(zip(*rows, strict=False))
        self.env.cr.execute(SQL(
            """
            INSERT INTO debt_partner_status
                   (partner_id, company_id, blocked, reasons, exposure, overdue_amount,
                    overdue_days, credit_limit, refreshed_at,
                    create_uid, create_date, write_uid, write_date)
            SELECT p, %(company)s, b, r, e, oa, od, cl, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(pids)s::int[], %(blocked)s::bool[], %(reasons)s::text[],
                          %(exposure)s::numeric[], %(overdue)s::numeric[], %(days)s::int[],
                          %(limits)s::numeric[]) AS t(p, b, r, e, oa, od, cl)
            ON CONFLICT (partner_id, company_id) DO UPDATE
               SET blocked = EXCLUDED.blocked, reasons = EXCLUDED.reasons,
                   exposure = EXCLUDED.exposure, overdue_amount = EXCLUDED.overdue_amount,
                   overdue_days = EXCLUDED.overdue_days, credit_limit = EXCLUDED.credit_limit,
                   refreshed_at = EXCLUDED.refreshed_at,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
             WHERE (debt_partner_status.blocked, debt_partner_status.reasons,
                    debt_partner_status.exposure, debt_partner_status.overdue_amount,
                    debt_partner_status.overdue_days, debt_partner_status.credit_limit)
                   IS DISTINCT FROM
                   (EXCLUDED.blocked, EXCLUDED.reasons, EXCLUDED.exposure,
                    EXCLUDED.overdue_amount, EXCLUDED.overdue_days, EXCLUDED.credit_limit)
            """,
            company=company.id, now=self.env.cr.now(), uid=self.env.uid,
            pids=list(columns[0]), blocked=list(columns[1]), reasons=list(columns[2]),
            exposure=list(columns[3]), overdue=list(columns[4]), days=list(columns[5]),
            limits=list(columns[6]),
        ))
        self.invalidate_model()
        Partner.invalidate_model(["debt_blocked", "debt_blocked_reasons"])

    # ------------------------------------------------------------------
    # The event path: mark, then settle once per transaction
    # ------------------------------------------------------------------

    @api.model
    def _debt_mark(self, partners, companies):
        """Record that the debt state of ``partners`` (any contacts) may have changed in
        ``companies``. Nothing is evaluated now: the settle step runs once, at the end of
        the transaction (the cursor's precommit), after every feature has reacted. The
        steps of the daily run mark nothing: its last step settles every customer."""
        if self.env.context.get("debt_run_key") or not partners or not companies:
            return
        ids = set(partners.commercial_partner_id.ids)
        if ids:
            marked = self._debt_marked()
            # a company that blocks for overdue debt elsewhere in the chain follows the
            # customer's debt in every company
            for company_id in set(companies.ids).union(self._debt_chain_block_company_ids()):
                if marked[company_id] is not ALL:
                    marked[company_id] |= ids
            # a read of the stored flag in this transaction settles first
            self.env["res.partner"].invalidate_model(["debt_blocked", "debt_blocked_reasons"])

    @api.model
    @tools.ormcache()
    def _debt_chain_block_company_ids(self):
        """Ids of the companies whose customers are blocked for overdue debt elsewhere in
        the chain (``debt_chain_block``), kept in the registry's cache (cleared when the
        setting changes, see ``res.company.cache_invalidation_fields``)."""
        self.env["res.company"].flush_model(["debt_chain_block", "active"])
        self.env.cr.execute(SQL("SELECT id FROM res_company WHERE debt_chain_block AND active ORDER BY id"))
        return tuple(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _debt_mark_records(self, records):
        """Mark the customers (``partner_id``) of ``records`` in their companies
        (``company_id``): the event of a case, a plan, a promise, an order."""
        for company in records.company_id:
            self._debt_mark(records.filtered(lambda r, co=company: r.company_id == co).partner_id, company)

    @api.model
    def _debt_mark_company(self, company):
        """Every customer of ``company`` may have changed (its block settings did)."""
        if not self.env.context.get("debt_run_key"):
            self._debt_marked()[company.id] = ALL
            self.env["res.partner"].invalidate_model(["debt_blocked", "debt_blocked_reasons"])

    @api.model
    def _debt_mark_lines(self, lines):
        """Mark the customers of receivable journal items, per company."""
        by_company = defaultdict(set)
        for line in lines:
            if line.partner_id and line.account_id.account_type == "asset_receivable":
                by_company[line.company_id].add(line.partner_id.id)
        for company, partner_ids in by_company.items():
            self._debt_mark(self.env["res.partner"].browse(partner_ids), company)

    @api.model
    def _debt_marked(self):
        data = self.env.cr.precommit.data
        if MARKED not in data:
            data[MARKED] = defaultdict(set)
            self.env.cr.precommit.add(self._debt_settle)
        return data[MARKED]

    @api.model
    def _debt_settle(self):
        """Settle what this transaction marked: first the features whose state follows
        the debt (cases close or pause, see ``debt.collection.case._debt_settle_cases``),
        then the stored flags, each pair once, in one batch per company, with the
        evaluation of the confirmation check. Reads of the stored flag settle first."""
        marked = self.env.cr.precommit.data.pop(MARKED, None)
        if not marked:
            return
        env = self.env(su=True, context={k: v for k, v in self.env.context.items()
                                         if k in ("lang", "tz")})
        Status = env["debt.partner.status"]
        for company_id, partner_ids in sorted(marked.items()):
            company = env["res.company"].browse(company_id).exists()
            if not company:
                continue
            today = fields.Date.context_today(Status.with_company(company))
            if partner_ids is ALL:
                partner_ids = Status._debt_daily_candidates(company, today, "flags")
            ids = sorted(partner_ids)
            size = max(company.debt_batch_size, 1)
            for start in range(0, len(ids), size):
                partners = env["res.partner"].browse(ids[start:start + size])
                env["debt.collection.case"].with_company(company)._debt_settle_cases(partners, company, today)
                Status.with_company(company)._debt_refresh(partners, company, today, commercial=True)
        # what the settle step itself marked (a case closed) is refreshed already
        self.env.cr.precommit.data.pop(MARKED, None)

    @api.model
    def _debt_settle_now(self):
        """Settle at once what is marked (before the stored flags are read)."""
        if self.env.cr.precommit.data.get(MARKED):
            self._debt_settle()

    @api.model
    def _search(self, domain, *args, **kwargs):
        self._debt_settle_now()
        return super()._search(domain, *args, **kwargs)

    # ------------------------------------------------------------------
    # Daily run: the last step
    # ------------------------------------------------------------------

    @api.model
    def _debt_daily_candidates(self, company, today, code):
        """Customers with open receivables, customers flagged before (they may be
        free now) and customers blocked by hand; where overdue debt elsewhere in the
        chain blocks, the customers with open receivables in the other companies too."""
        Run = self.env["debt.daily.run"]
        ids = set(Run._open_receivable_partner_ids(company))
        if company.debt_chain_block:
            for other in self.env["res.company"].browse(self.env["debt.position"]._chain_company_ids(company)):
                ids.update(Run._open_receivable_partner_ids(other))
        self.flush_model(["partner_id", "company_id"])
        self.env.cr.execute(SQL(
            "SELECT partner_id FROM debt_partner_status WHERE company_id = %s", company.id
        ))
        ids.update(row[0] for row in self.env.cr.fetchall())
        always = self.env["res.partner"].with_company(company).sudo().search(
            [("debt_block_mode", "=", "always")]
        )
        ids.update(always.commercial_partner_id.ids)
        return ids

    @api.model
    def _debt_daily_refresh(self, partners, company, today):
        # The daily run's candidates are commercial partners.
        self._debt_refresh(partners, company, today, commercial=True)
