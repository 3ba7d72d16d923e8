"""Payment-discipline score per customer and company, recomputed by the daily run."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.score import ScoreTotals, score_from_totals
from .debt_position import OPEN_LINE, receivable_accounts
from .res_partner import GRADES

WINDOW_DAYS = 730  # the last 24 months


class DebtPartnerScore(models.Model):
    """Score 0-100 and grade A-D of a commercial partner in a company, from the last
    24 months of due lines, broken promises and defaulted plans."""

    _name = "debt.partner.score"
    _description = "Customer Payment Discipline"
    _order = "company_id, score, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", index=True)
    score = fields.Integer(help="0 (worst) to 100 (best); empty without due invoices.")
    grade = fields.Selection(GRADES)
    on_time_share = fields.Float(string="Paid on Time (%)", digits=(5, 2))
    weighted_days_late = fields.Float(string="Average Days Late", digits=(8, 2))
    overdue_days = fields.Integer(string="Days Overdue Now")
    item_count = fields.Integer(string="Invoices Due")
    broken_promises = fields.Integer()
    defaulted_plans = fields.Integer()
    computed_on = fields.Date(
        string="Changed On", help="Date of the daily run that last changed these figures."
    )

    _sql_constraints = [
        ("partner_company_uniq", "unique(partner_id, company_id)",
         "A customer has one discipline score per company."),
    ]

    # ------------------------------------------------------------------
    # Gathering
    # ------------------------------------------------------------------

    @api.model
    def _debt_receivable(self, company):
        return receivable_accounts(self.env["debt.position"]._receivable_account_ids(company))

    @api.model
    def _debt_score_totals(self, partner_ids, company, today):
        """:class:`ScoreTotals` of the due lines of the window per commercial partner,
        summed by the database in two queries for any number of partners: a due line is
        paid on the date of its last reconciliation once it is fully paid, else open."""
        self.env["account.move.line"].flush_model(
            ["balance", "date_maturity", "reconciled", "amount_residual", "parent_state",
             "partner_id", "account_id", "move_id", "company_id"]
        )
        self.env["account.move"].flush_model(["move_type"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date"])
        # The customers' contacts as a list, not a sub-query: the planner then sees how
        # many items a batch has and reads them in parallel where it pays.
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(SQL(
            "SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s)", list(partner_ids)
        ))
        contact_ids = [row[0] for row in self.env.cr.fetchall()]
        item = SQL(
            """
            SELECT rp.commercial_partner_id AS pid, aml.balance AS amount,
                   aml.date_maturity AS due,
                   CASE WHEN aml.reconciled OR aml.amount_residual = 0
                        THEN (SELECT MAX(apr.max_date) FROM account_partial_reconcile apr
                               WHERE apr.debit_move_id = aml.id)
                   END AS paid
              FROM account_move_line aml
              JOIN res_partner rp ON rp.id = aml.partner_id
              JOIN account_move move ON move.id = aml.move_id
             WHERE aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND %(receivable)s
               AND move.move_type = 'out_invoice'
               AND aml.balance > 0
               AND aml.date_maturity >= %(since)s
               AND aml.date_maturity < %(today)s
               AND rp.commercial_partner_id = ANY(%(partners)s)
               AND aml.partner_id = ANY(%(contacts)s)
            """,
            company=company.id, since=today - timedelta(days=WINDOW_DAYS), today=today,
            partners=list(partner_ids), receivable=self._debt_receivable(company),
            contacts=contact_ids,
        )
        # The open items through Odoo's index of unreconciled items, the paid ones
        # through the index of a customer's paid items (account_move_line_debt_paid_idx):
        # a batch reads its customers' items, not the company's.
        self.env.cr.execute(SQL(
            """
            WITH items AS MATERIALIZED (
                %(item)s AND aml.reconciled IS NOT TRUE
                UNION ALL
                %(item)s AND aml.reconciled IS TRUE
            )
            SELECT pid, COUNT(*), COUNT(*) FILTER (WHERE paid <= due), SUM(amount),
                   SUM(amount * GREATEST(COALESCE(paid, %(today)s::date) - due, 0)),
                   MIN(due) FILTER (WHERE paid IS NULL)
              FROM items
          GROUP BY pid
            """,
            item=item, today=today,
        ))
        return {
            pid: ScoreTotals(count, on_time, float(amount), float(days_late), oldest)
            for pid, count, on_time, amount, days_late, oldest in self.env.cr.fetchall()
        }

    @api.model
    def _debt_score_events(self, partner_ids, company, today):
        """Broken promises and defaulted plans of the window, per partner."""
        since = today - timedelta(days=WINDOW_DAYS)
        events = {pid: {"broken_promises": 0, "defaulted_plans": 0} for pid in partner_ids}
        Promise = self.env["debt.collection.promise"].sudo()
        for partner, count in Promise._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", list(partner_ids)),
             ("state", "=", "broken"), ("date", ">=", since)],
            ["partner_id"], ["__count"],
        ):
            events[partner.id]["broken_promises"] = count
        Plan = self.env["debt.installment.plan"].sudo()
        for partner, count in Plan._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", list(partner_ids)),
             ("state", "=", "defaulted"), ("defaulted_date", ">=", since)],
            ["partner_id"], ["__count"],
        ):
            events[partner.id]["defaulted_plans"] = count
        return events

    # ------------------------------------------------------------------
    # Daily step
    # ------------------------------------------------------------------

    @api.model
    def _debt_daily_score(self, partners, company, today):
        """Recompute and upsert the scores of a batch (idempotent for the date)."""
        partner_ids = partners.ids
        totals = self._debt_score_totals(partner_ids, company, today)
        events = self._debt_score_events(partner_ids, company, today)
        rows = []
        empty = ScoreTotals()
        for pid in partner_ids:
            ev = events[pid]
            result = score_from_totals(
                totals.get(pid, empty), today, ev["broken_promises"], ev["defaulted_plans"]
            )
            rows.append((
                pid, result.score, result.grade or None, result.on_time_share * 100,
                result.weighted_days_late, result.overdue_days, result.items,
                ev["broken_promises"], ev["defaulted_plans"],
            ))
        if not rows:
            return
        self.flush_model()
        cols = list(zip(*rows, strict=False))
        now = self.env.cr.now()
        self.env.cr.execute(SQL(
            """
            INSERT INTO debt_partner_score
                   (partner_id, company_id, score, grade, on_time_share, weighted_days_late,
                    overdue_days, item_count, broken_promises, defaulted_plans, computed_on,
                    create_uid, create_date, write_uid, write_date)
            SELECT p, %(company)s, s, g, ot, wd, od, ic, bp, dp, %(today)s,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(p)s::int[], %(s)s::int[], %(g)s::varchar[], %(ot)s::float8[],
                          %(wd)s::float8[], %(od)s::int[], %(ic)s::int[], %(bp)s::int[],
                          %(dp)s::int[]) AS t(p, s, g, ot, wd, od, ic, bp, dp)
            ON CONFLICT (partner_id, company_id) DO UPDATE
               SET score = EXCLUDED.score, grade = EXCLUDED.grade,
                   on_time_share = EXCLUDED.on_time_share,
                   weighted_days_late = EXCLUDED.weighted_days_late,
                   overdue_days = EXCLUDED.overdue_days, item_count = EXCLUDED.item_count,
                   broken_promises = EXCLUDED.broken_promises,
                   defaulted_plans = EXCLUDED.defaulted_plans,
                   computed_on = EXCLUDED.computed_on,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
             -- A row whose figures did not change is not rewritten.
             WHERE (debt_partner_score.score, debt_partner_score.grade,
                    debt_partner_score.on_time_share, debt_partner_score.weighted_days_late,
                    debt_partner_score.overdue_days, debt_partner_score.item_count,
                    debt_partner_score.broken_promises, debt_partner_score.defaulted_plans)
                   IS DISTINCT FROM
                   (EXCLUDED.score, EXCLUDED.grade, EXCLUDED.on_time_share,
                    EXCLUDED.weighted_days_late, EXCLUDED.overdue_days, EXCLUDED.item_count,
                    EXCLUDED.broken_promises, EXCLUDED.defaulted_plans)
            """,
            company=company.id, today=today, uid=self.env.uid, now=now,
            p=list(cols[0]), s=list(cols[1]), g=list(cols[2]), ot=list(cols[3]),
            wd=list(cols[4]), od=list(cols[5]), ic=list(cols[6]), bp=list(cols[7]),
            dp=list(cols[8]),
        ))
        self.invalidate_model()
        self.env["res.partner"].invalidate_model(["debt_score", "debt_grade"])

    @api.model
    def _debt_daily_candidates(self, company, today, code):
        """Customers whose score may differ from the one stored.

        A score only moves with the date while the customer has open due lines (their
        days late grow), or when its history changes: a line fell due or left the
        window, a receivable line was written (paid, unreconciled, reversed, cancelled),
        a promise or plan event happened or left the window. After a complete scoring
        earlier in the same month only those customers are rescored; the first run of
        a month (and the very first run) rescores every customer with a due line in
        the window, which also catches what no line records (e.g. a contact moved to
        another company)."""
        since = today - timedelta(days=WINDOW_DAYS)
        State = self.env["debt.daily.run.state"]
        State.flush_model()
        self.env.cr.execute(SQL(
            """
            SELECT run_date, create_date FROM debt_daily_run_state
             WHERE company_id = %s AND step = %s AND done AND run_date < %s
          ORDER BY run_date DESC LIMIT 1
            """,
            company.id, code, today,
        ))
        last = self.env.cr.fetchone()
        if not last or (last[0].year, last[0].month) != (today.year, today.month):
            return self._debt_score_all_candidates(company, today)
        last_date, last_started = last
        last_since = last_date - timedelta(days=WINDOW_DAYS)
        # A transaction that began before that scoring and committed after it wrote
        # lines with an earlier write date: look a day further back.
        written_since = last_started - timedelta(days=1)
        self.env["account.move.line"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["debt.collection.promise"].flush_model()
        self.env["debt.installment.plan"].flush_model()
        self.env.cr.execute(SQL(
            """
            SELECT rp.commercial_partner_id
              FROM account_move_line aml
              JOIN res_partner rp ON rp.id = aml.partner_id
             WHERE aml.company_id = %(company)s
               AND %(receivable)s
               AND (aml.write_date >= %(written)s
                    OR aml.parent_state = 'posted' AND aml.balance > 0 AND (
                         aml.date_maturity >= %(last_date)s AND aml.date_maturity < %(today)s
                      OR aml.date_maturity >= %(last_since)s AND aml.date_maturity < %(since)s
                      OR aml.date_maturity >= %(since)s AND aml.date_maturity < %(today)s
                         AND %(open)s))
             UNION
            SELECT partner_id FROM debt_collection_promise
             WHERE company_id = %(company)s
               AND (write_date >= %(written)s OR date >= %(last_since)s AND date < %(since)s)
             UNION
            SELECT partner_id FROM debt_installment_plan
             WHERE company_id = %(company)s
               AND (write_date >= %(written)s
                    OR defaulted_date >= %(last_since)s AND defaulted_date < %(since)s)
            """,
            company=company.id, today=today, since=since, last_date=last_date,
            last_since=last_since, written=written_since, receivable=self._debt_receivable(company),
            open=OPEN_LINE,
        ))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _debt_score_all_candidates(self, company, today):
        """Every customer with a due line in the window, and those scored before (their
        score is cleared when nothing is left in the window)."""
        self.flush_model(["partner_id", "company_id", "item_count"])
        self.env["account.move.line"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(SQL(
            """
            SELECT rp.commercial_partner_id
              FROM account_move_line aml
              JOIN res_partner rp ON rp.id = aml.partner_id
             WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
               AND %(receivable)s AND aml.balance > 0
               AND aml.date_maturity >= %(since)s
             UNION
            SELECT partner_id FROM debt_partner_score
             WHERE company_id = %(company)s AND item_count > 0
            """,
            company=company.id, since=today - timedelta(days=WINDOW_DAYS),
            receivable=self._debt_receivable(company),
        ))
        return [row[0] for row in self.env.cr.fetchall()]
