"""Stored block flag per customer and company, for fast filters and the daily overview."""

from odoo import api, fields, models
from odoo.tools import SQL


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

    @api.model
    def _debt_refresh_lines(self, lines):
        """Refresh the customers of receivable journal items, per company."""
        partners_by_company = {}
        for line in lines:
            if line.account_type == "asset_receivable" and line.partner_id:
                partners_by_company.setdefault(line.company_id, set()).add(line.partner_id.id)
        for company, partner_ids in partners_by_company.items():
            self._debt_refresh(self.env["res.partner"].browse(partner_ids), company)

    # ------------------------------------------------------------------
    # Daily run step 10
    # ------------------------------------------------------------------

    @api.model
    def _debt_daily_candidates(self, company, today, code):
        """Customers with open receivables, customers flagged before (they may be
        free now) and customers blocked by hand."""
        ids = set(self.env["debt.daily.run"]._open_receivable_partner_ids(company))
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
