"""The debt position: what a set of customers owe, since when, in a constant number
of SQL queries. Every feature (block, flags, cases, banners, aging) reads it."""

from odoo import api, fields, models
from odoo.tools import SQL

# Receivable due lines of a company: posted, not fully reconciled. The aging report
# and the position share this fragment so that they can never disagree.
DUE_LINES_FROM = SQL(
    """
    account_move_line aml
    JOIN account_move move ON move.id = aml.move_id
    JOIN res_partner rp ON rp.id = aml.partner_id
    """
)


def due_lines_where(company_id, partner_ids=None):
    """WHERE clause selecting the open receivable due lines of ``company_id`` (every
    company when None), optionally restricted to the commercial partners ``partner_ids``."""
    clauses = [
        SQL("aml.company_id = %s", company_id) if company_id is not None else SQL("TRUE"),
        SQL("aml.parent_state = 'posted'"),
        # account_type is not stored on the line in Odoo 18: filter through the account.
        SQL("aml.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')"),
        SQL("aml.reconciled IS NOT TRUE"),
        SQL("aml.amount_residual != 0"),
    ]
    if partner_ids is not None:
        clauses.append(SQL("rp.commercial_partner_id = ANY(%s)", list(partner_ids)))
    return SQL(" AND ").join(clauses)


class DebtPosition(models.AbstractModel):
    """Set-based figures of customers' debt at a date (company currency)."""

    _name = "debt.position"
    _description = "Debt Position"

    @api.model
    def _empty_position(self):
        return {
            "receivable": 0.0,
            "overdue_amount": 0.0,
            "overdue_count": 0,
            "oldest_due_date": False,
            "overdue_days": 0,
            "plan_amount": 0.0,
            "disputed_amount": 0.0,
            "unbilled": 0.0,
            "exposure": 0.0,
            "blocking_exposure": 0.0,
        }

    @api.model
    def _get_positions(self, partners, company=None, today=None):
        """Return ``{commercial_partner_id: position}`` for ``partners``.

        One SQL query whatever the number of partners or invoices: the open due lines
        joined with the confirmed, not fully invoiced orders.
        Invoices covered by a live installment plan (``debt_in_plan``) do not count as
        overdue and are left out of the exposure that is compared to the limit.
        """
        company = company or self.env.company
        today = today or fields.Date.context_today(self)
        if isinstance(today, str):
            today = fields.Date.from_string(today)
        partner_ids = list(set(partners.commercial_partner_id.ids))
        result = {pid: self._empty_position() for pid in partner_ids}
        if not partner_ids:
            return result
        self.env["account.move.line"].flush_model(
            ["amount_residual", "reconciled", "parent_state", "date_maturity", "partner_id"]
        )
        self.env["account.move"].flush_model(["debt_in_plan", "debt_disputed"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self._flush_unbilled()
        # One statement: the due lines and the unbilled orders, joined per partner.
        self.env.cr.execute(
            SQL(
                """
            WITH due AS (
                SELECT rp.commercial_partner_id AS pid,
                       SUM(aml.amount_residual) AS receivable,
                       SUM(aml.amount_residual) FILTER (
                           WHERE aml.date_maturity < %(today)s AND aml.amount_residual > 0
                             AND move.debt_in_plan IS NOT TRUE) AS overdue,
                       COUNT(*) FILTER (
                           WHERE aml.date_maturity < %(today)s AND aml.amount_residual > 0
                             AND move.debt_in_plan IS NOT TRUE) AS overdue_count,
                       MIN(aml.date_maturity) FILTER (
                           WHERE aml.date_maturity < %(today)s AND aml.amount_residual > 0
                             AND move.debt_in_plan IS NOT TRUE) AS oldest,
                       SUM(aml.amount_residual) FILTER (WHERE move.debt_in_plan) AS in_plan,
                       SUM(aml.amount_residual) FILTER (WHERE move.debt_disputed) AS disputed
                  FROM %(from)s
                 WHERE %(where)s
              GROUP BY rp.commercial_partner_id
            ), unbilled AS (%(unbilled)s)
            SELECT COALESCE(due.pid, unbilled.pid), due.receivable, due.overdue,
                   due.overdue_count, due.oldest, due.in_plan, due.disputed, unbilled.amount
              FROM due
              FULL OUTER JOIN unbilled ON unbilled.pid = due.pid
            """,
                today=today,
                unbilled=self._unbilled_query(partner_ids, company),
                **{"from": DUE_LINES_FROM, "where": due_lines_where(company.id, partner_ids)},
            )
        )
        for pid, receivable, overdue, count, oldest, in_plan, disputed, unbilled in self.env.cr.fetchall():
            pos = result[pid]
            pos.update(
                receivable=receivable or 0.0,
                overdue_amount=overdue or 0.0,
                overdue_count=count or 0,
                oldest_due_date=oldest or False,
                overdue_days=(today - oldest).days if oldest else 0,
                plan_amount=in_plan or 0.0,
                disputed_amount=disputed or 0.0,
                unbilled=unbilled or 0.0,
            )
        currency = company.currency_id
        for pos in result.values():
            for key in ("receivable", "overdue_amount", "plan_amount", "disputed_amount", "unbilled"):
                pos[key] = currency.round(pos[key])
            pos["exposure"] = currency.round(pos["receivable"] + pos["unbilled"])
            pos["blocking_exposure"] = currency.round(pos["exposure"] - pos["plan_amount"])
        return result

    @api.model
    def _get_unbilled(self, partner_ids, company):
        """Confirmed orders not yet invoiced, in company currency, per commercial partner."""
        self._flush_unbilled()
        self.env.cr.execute(self._unbilled_query(partner_ids, company))
        return {pid: amount or 0.0 for pid, amount in self.env.cr.fetchall()}

    @api.model
    def _flush_unbilled(self):
        self.env["sale.order.line"].flush_model(
            ["price_total", "product_uom_qty", "qty_invoiced", "order_id"]
        )
        self.env["sale.order"].flush_model(["state", "currency_rate", "partner_id", "company_id"])

    @api.model
    def _unbilled_query(self, partner_ids, company):
        """``(pid, amount)`` of the confirmed orders not yet invoiced, in company currency."""
        return SQL(
            """
            SELECT rp.commercial_partner_id AS pid,
                   SUM(sol.price_total
                       * GREATEST(sol.product_uom_qty - sol.qty_invoiced, 0) / sol.product_uom_qty
                       / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS amount
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner rp ON rp.id = so.partner_id
             WHERE so.state = 'sale'
               AND so.company_id = %(company)s
               AND sol.product_uom_qty > 0
               AND rp.commercial_partner_id = ANY(%(partners)s)
          GROUP BY rp.commercial_partner_id
            """,
            company=company.id,
            partners=list(partner_ids),
        )
