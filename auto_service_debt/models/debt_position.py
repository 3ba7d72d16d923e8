"""The debt position: what a set of customers owe, since when, in a constant number
of SQL queries. Every feature (block, flags, cases, banners, aging) reads it."""

from odoo import api, fields, models, tools
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


def receivable_accounts(account_ids=None):
    """Condition on ``aml.account_id``: a receivable account. ``account_ids`` (from
    ``debt.position._receivable_account_ids``) lets the planner read the open lines
    through the index of unreconciled lines instead of scanning the table."""
    if account_ids is not None:
        return SQL("aml.account_id = ANY(%s)", list(account_ids))
    # account_type is not stored on the line in Odoo 18: filter through the account.
    return SQL("aml.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')")


def due_lines_where(company_id, partner_ids=None, account_ids=None):
    """WHERE clause selecting the open receivable due lines of ``company_id`` (every
    company when None), optionally restricted to the commercial partners ``partner_ids``
    (``account_ids``: see :func:`receivable_accounts`)."""
    clauses = [
        SQL("aml.company_id = %s", company_id) if company_id is not None else SQL("TRUE"),
        SQL("aml.parent_state = 'posted'"),
        receivable_accounts(account_ids),
        SQL("aml.reconciled IS NOT TRUE"),
        SQL("aml.amount_residual != 0"),
    ]
    if partner_ids is not None:
        clauses.append(SQL("rp.commercial_partner_id = ANY(%s)", list(partner_ids)))
    return SQL(" AND ").join(clauses)


class StatementSlot:
    """A parameter of a statement composed once and cached (see
    ``res.partner._debt_block_statement``): each execution puts its value there."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<slot {self.name}>"


#: Slots of the cached statements of the position: the customers and the date.
PARTNER_IDS = StatementSlot("partner_ids")
TODAY = StatementSlot("today")


class DebtPosition(models.AbstractModel):
    """Set-based figures of customers' debt at a date (company currency)."""

    _name = "debt.position"
    _description = "Debt Position"

    @api.model
    def _receivable_account_ids(self, company):
        """Ids of the receivable accounts the journal items of ``company`` may use (its
        own and those shared from its parent companies), kept in the registry's cache
        (cleared when an account is created, deleted, or changes type or companies): the
        statements that read open lines pass them as values, so that the planner goes
        straight to the index of unreconciled lines, and only to the company's part."""
        return list(self._receivable_account_ids_cached(company.id))

    @api.model
    @tools.ormcache("company_id")
    def _receivable_account_ids_cached(self, company_id):
        self.env["account.account"].flush_model(["account_type", "company_ids"])
        parent_ids = self.env["res.company"].browse(company_id).sudo().parent_ids.ids
        self.env.cr.execute(SQL(
            """
            SELECT acc.id FROM account_account acc
             WHERE acc.account_type = 'asset_receivable'
               AND EXISTS (SELECT FROM account_account_res_company_rel rel
                            WHERE rel.account_account_id = acc.id
                              AND rel.res_company_id = ANY(%s))
          ORDER BY acc.id
            """,
            parent_ids,
        ))
        return tuple(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _get_positions(self, partners, company=None, today=None):
        """Return ``{commercial_partner_id: position}`` for ``partners``.

        One SQL query whatever the number of partners or invoices (see
        :meth:`_position_query`). Invoices covered by a live installment plan
        (``debt_in_plan``) do not count as overdue and are left out of the exposure that
        is compared to the limit.
        """
        company = company or self.env.company
        today = today or fields.Date.context_today(self)
        if isinstance(today, str):
            today = fields.Date.from_string(today)
        partner_ids = [pid for pid in partners.ids if pid]
        if not partner_ids:
            return {}
        self._flush_position()
        # Their commercial partners, found by the database (no partner records read).
        self.env.cr.execute(self._position_query(
            partner_ids, company, today, contacts=True, batch=len(partner_ids) > 50,
        ))
        return {
            row[0]: self._position_from_row(row[1:], company, today)
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _flush_position(self):
        """Flush what :meth:`_position_query` reads."""
        self.env["account.move.line"].flush_model(
            ["amount_residual", "reconciled", "parent_state", "date_maturity", "partner_id",
             "account_id", "company_id", "move_id", "debt_in_plan", "debt_disputed"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self._flush_unbilled()

    #: Number of position columns of :meth:`_position_query` after the partner id.
    POSITION_COLUMNS = 7

    @api.model
    def _position_query(self, partner_ids, company, today, columns=(), contacts=False,
                        batch=False):
        """One statement over the commercial partners ``rp`` of ``partner_ids`` (which
        are commercial partners, or any contacts with ``contacts``): the id,
        the 7 position columns read by :meth:`_position_from_row`, then ``columns``
        (SQL expressions over ``rp``, e.g. the credit policy of the block check).

        Two plans for the same sums. For a few customers (the live check at
        confirmation) a lateral join reads each partner's open receivable lines through
        the index of unreconciled lines; its contacts (an array) and the receivable
        accounts (values) stay out of the joins, which keeps the planning short: it
        costs more than the execution for one customer. For a ``batch`` (the daily run)
        the open lines of all the batch's customers are read at once through that index
        and summed per customer. The confirmed orders not yet invoiced come from a
        subquery; ``columns`` may refer to ``rp``."""
        overdue = SQL(
            "aml.date_maturity < %s AND aml.amount_residual > 0 AND aml.debt_in_plan IS NOT TRUE",
            today,
        )
        digits = company.currency_id.decimal_places
        sums = SQL(
            """
            ROUND(SUM(aml.amount_residual), %(digits)s) AS receivable,
            ROUND(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s), %(digits)s) AS overdue,
            COUNT(*) FILTER (WHERE %(overdue)s) AS overdue_count,
            MIN(aml.date_maturity) FILTER (WHERE %(overdue)s) AS oldest,
            ROUND(SUM(aml.amount_residual) FILTER (WHERE aml.debt_in_plan), %(digits)s) AS in_plan,
            ROUND(SUM(aml.amount_residual) FILTER (WHERE aml.debt_disputed), %(digits)s) AS disputed
            """,
            digits=digits, overdue=overdue,
        )
        open_lines = SQL(
            """
            aml.company_id = %s
            AND aml.parent_state = 'posted'
            AND aml.reconciled IS NOT TRUE
            AND aml.amount_residual != 0
            """,
            company.id,
        )
        if contacts:
            which = SQL("rp.id IN (SELECT commercial_partner_id FROM res_partner WHERE id = ANY(%s))",
                        partner_ids)
        else:
            which = SQL("rp.id = ANY(%s)", partner_ids)
        if not batch:
            due = SQL(
                """
                LATERAL (
                    SELECT %(sums)s
                      FROM account_move_line aml
                     WHERE aml.partner_id = ANY(ARRAY(
                               SELECT contact.id FROM res_partner contact
                                WHERE contact.commercial_partner_id = rp.id))
                       AND %(accounts)s
                       AND %(open)s
                ) due ON TRUE
                """,
                sums=sums, accounts=receivable_accounts(self._receivable_account_ids(company)), open=open_lines,
            )
        else:
            due = SQL(
                """
                (
                    SELECT contact.commercial_partner_id AS pid, %(sums)s
                      FROM account_move_line aml
                      JOIN res_partner contact ON contact.id = aml.partner_id
                     WHERE contact.commercial_partner_id IN (SELECT rp.id FROM res_partner rp WHERE %(which)s)
                       AND %(accounts)s
                       AND %(open)s
                  GROUP BY contact.commercial_partner_id
                ) due ON due.pid = rp.id
                """,
                sums=sums, which=which, accounts=receivable_accounts(self._receivable_account_ids(company)),
                open=open_lines,
            )
        return SQL(
            """
            SELECT rp.id, due.receivable, due.overdue, due.overdue_count, due.oldest,
                   due.in_plan, due.disputed, %(unbilled)s %(columns)s
              FROM res_partner rp
         LEFT JOIN %(due)s
             WHERE %(which)s
            """,
            due=due,
            which=which,
            unbilled=self._unbilled_subquery(company),
            columns=SQL("").join(SQL(", %s", column) for column in columns),
        )

    @api.model
    def _position_from_row(self, row, company, today):
        """The position dict of the 7 position columns of :meth:`_position_query` (the
        amounts come rounded to the currency by the database, half away from zero as
        ``res.currency.round``: sums of them only need their float noise removed)."""
        receivable, overdue, count, oldest, in_plan, disputed, unbilled = row[:self.POSITION_COLUMNS]
        return self._position_values(
            company, today, receivable or 0.0, overdue or 0.0, count or 0, oldest,
            in_plan or 0.0, disputed or 0.0, unbilled or 0.0,
        )

    @api.model
    def _position_values(self, company, today, receivable, overdue, count, oldest, plan_amount,
                         disputed, unbilled):
        """The position dict of amounts already rounded to the currency (their sums
        only need their float noise removed)."""
        digits = company.currency_id.decimal_places
        exposure = round(receivable + unbilled, digits)
        return {
            "receivable": receivable,
            "overdue_amount": overdue,
            "overdue_count": count,
            "oldest_due_date": oldest or False,
            "overdue_days": (today - oldest).days if oldest else 0,
            "plan_amount": plan_amount,
            "disputed_amount": disputed,
            "unbilled": unbilled,
            "exposure": exposure,
            "blocking_exposure": round(exposure - plan_amount, digits),
        }

    @api.model
    def _position_from_lines(self, lines, company, today):
        """The due-line figures of a position (what :meth:`_position_query` sums in the
        database, without the unbilled orders) from a customer's open due lines read
        with ``DUE_LINES_FROM``/``due_lines_where``: dicts with ``residual``,
        ``date_maturity``, ``in_plan`` and ``disputed``. For a caller that needs the
        lines anyway (the collection step): one query instead of two."""
        digits = company.currency_id.decimal_places
        overdue = [
            line for line in lines
            if line["date_maturity"] and line["date_maturity"] < today and line["residual"] > 0
            and not line["in_plan"]
        ]

        def total(selected):
            return round(sum(line["residual"] for line in selected), digits)

        return self._position_values(
            company, today, total(lines), total(overdue), len(overdue),
            min((line["date_maturity"] for line in overdue), default=False),
            total(line for line in lines if line["in_plan"]),
            total(line for line in lines if line["disputed"]), 0.0,
        )

    @api.model
    def _unbilled_subquery(self, company):
        """Scalar subquery over ``rp``: its confirmed orders not yet invoiced, in
        company currency (from the order lines, which store their order's customer,
        state and company)."""
        return SQL(
            """
            (SELECT ROUND(SUM(sol.price_total
                              * GREATEST(sol.product_uom_qty - sol.qty_invoiced, 0) / sol.product_uom_qty
                              / COALESCE(NULLIF((SELECT so.currency_rate FROM sale_order so
                                                  WHERE so.id = sol.order_id), 0), 1)), %s)
               FROM sale_order_line sol
              WHERE sol.order_partner_id = ANY(ARRAY(
                        SELECT contact.id FROM res_partner contact
                         WHERE contact.commercial_partner_id = rp.id))
                AND sol.state = 'sale'
                AND sol.company_id = %s
                AND sol.product_uom_qty > 0)
            """,
            company.currency_id.decimal_places,
            company.id,
        )

    @api.model
    def _flush_unbilled(self):
        self.env["sale.order.line"].flush_model(
            ["price_total", "product_uom_qty", "qty_invoiced", "order_id", "order_partner_id",
             "state", "company_id"]
        )
        self.env["sale.order"].flush_model(["state", "currency_rate", "partner_id", "company_id"])
