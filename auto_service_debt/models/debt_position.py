"""The debt position: what a set of customers owe, since when, in a constant number
of SQL queries. Every feature (block, flags, cases, banners, aging, claims, statements)
reads it, and this file owns the one definition of an open due line: the SQL condition
(:func:`due_lines_where`, :func:`overdue_where`), the ORM domain
(``debt.position._due_line_domain``) and the reader (``debt.position._debt_due_lines``)."""

from collections import defaultdict
from datetime import date

from odoo import api, fields, models, tools
from odoo.tools import SQL

# The tables a due line is read from (``aml``, its invoice ``move``, its contact ``rp``).
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


def receivable_lines_where(company_id, partner_ids=None, account_ids=None):
    """WHERE clause of the posted receivable journal items of ``company_id`` (every
    company when None), optionally of the commercial partners ``partner_ids``
    (``account_ids``: see :func:`receivable_accounts`), open or paid: the history the
    penalties and the score read."""
    clauses = [
        SQL("aml.company_id = %s", company_id) if company_id is not None else SQL("TRUE"),
        SQL("aml.parent_state = 'posted'"),
        receivable_accounts(account_ids),
    ]
    if partner_ids is not None:
        clauses.append(SQL("rp.commercial_partner_id = ANY(%s)", list(partner_ids)))
    return SQL(" AND ").join(clauses)


def customer_lines_where(partner_ids):
    """Condition on ``aml.partner_id``: an item of one of the commercial partners
    ``partner_ids`` or of one of their contacts, put so that the planner reads the
    batch's open items through Odoo's index of unreconciled items (account, partner)
    rather than all the company's: a batch reads as many rows in a chain of 200 000
    customers as in one of 2 000."""
    return SQL(
        "aml.partner_id = ANY(ARRAY(SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s)))",
        list(partner_ids),
    )


#: What makes a receivable journal item an open due line: something is left to match.
OPEN_LINE = SQL("aml.reconciled IS NOT TRUE AND aml.amount_residual != 0")


def due_lines_where(company_id, partner_ids=None, account_ids=None):
    """WHERE clause selecting the open receivable due lines of ``company_id`` (every
    company when None), optionally restricted to the commercial partners ``partner_ids``
    (``account_ids``: see :func:`receivable_accounts`)."""
    return SQL("%s AND %s", receivable_lines_where(company_id, partner_ids, account_ids), OPEN_LINE)


def overdue_where(today):
    """The condition of an overdue due line at ``today`` (a date, or an SQL expression
    such as ``CURRENT_DATE``): past its due date, still owed, not covered by a live
    installment plan. What blocks, what is dunned and what the aging calls overdue."""
    return SQL(
        "aml.date_maturity < %s AND aml.amount_residual > 0 AND aml.debt_in_plan IS NOT TRUE", today
    )


def is_overdue(line, today):
    """:func:`overdue_where` for a line read by ``debt.position._debt_due_lines``."""
    return bool(
        line["date_maturity"] and line["date_maturity"] < today and line["residual"] > 0
        and not line["in_plan"]
    )


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
    def _get_positions(self, partners, company=None, today=None, with_lines=False):
        """Return ``{commercial_partner_id: position}`` for ``partners``.

        One SQL query whatever the number of partners or invoices (see
        :meth:`_position_query`). Invoices covered by a live installment plan
        (``debt_in_plan``) do not count as overdue and are left out of the exposure that
        is compared to the limit. ``with_lines``: return ``(positions, lines)`` where
        ``lines`` are the open due lines with a positive residual that the sums were made
        of, as :meth:`_debt_due_lines` reads them, from the same statement (the
        collection step needs both).
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
        if with_lines:
            self.env["account.move"].flush_model(["name", "invoice_date", "invoice_user_id", "date"])
        self.env.cr.execute(self._position_query(
            partner_ids, company, today, contacts=True, batch=len(partner_ids) > 50, lines=with_lines,
        ))
        rows = self.env.cr.fetchall()
        positions = {row[0]: self._position_from_row(row[1:], company, today) for row in rows}
        if not with_lines:
            return positions
        width = self.POSITION_COLUMNS + 1
        lines = {
            row[0]: [self._line_dict(values, today) for values in row[width] or ()]
            for row in rows
        }
        return positions, lines

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
                        batch=False, lines=False):
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
        sums = self._position_sums(company, today, lines=SQL(
            """,
            json_agg(json_build_array(
                aml.id, aml.move_id, move.name, COALESCE(move.invoice_date, move.date),
                aml.date_maturity, aml.balance, aml.amount_residual, aml.debt_disputed IS TRUE,
                aml.debt_in_plan IS TRUE, move.invoice_user_id
            ) ORDER BY aml.date_maturity, aml.id) FILTER (WHERE aml.amount_residual > 0) AS lines
            """
        ) if lines else None)
        # the invoice of a line, for the lines only
        move_join = SQL("JOIN account_move move ON move.id = aml.move_id") if lines else SQL("")
        open_lines = self._open_lines_where([company.id])
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
                      FROM account_move_line aml %(move_join)s
                     WHERE aml.partner_id = ANY(ARRAY(
                               SELECT contact.id FROM res_partner contact
                                WHERE contact.commercial_partner_id = rp.id))
                       AND %(accounts)s
                       AND %(open)s
                ) due ON TRUE
                """,
                sums=sums, accounts=receivable_accounts(self._receivable_account_ids(company)), open=open_lines,
                move_join=move_join,
            )
        else:
            due = SQL(
                """
                (
                    SELECT contact.commercial_partner_id AS pid, %(sums)s
                      FROM account_move_line aml
                      JOIN res_partner contact ON contact.id = aml.partner_id %(move_join)s
                     WHERE contact.commercial_partner_id IN (SELECT rp.id FROM res_partner rp WHERE %(which)s)
                       AND %(accounts)s
                       AND %(open)s
                  GROUP BY contact.commercial_partner_id
                ) due ON due.pid = rp.id
                """,
                sums=sums, which=which, accounts=receivable_accounts(self._receivable_account_ids(company)),
                open=open_lines, move_join=move_join,
            )
        return SQL(
            """
            SELECT rp.id, due.receivable, due.overdue, due.overdue_count, due.oldest,
                   due.in_plan, due.disputed, %(unbilled)s %(lines)s %(columns)s
              FROM res_partner rp
         LEFT JOIN %(due)s
             WHERE %(which)s
            """,
            due=due,
            which=which,
            unbilled=self._unbilled_subquery(company),
            lines=SQL(", due.lines") if lines else SQL(""),
            columns=SQL("").join(SQL(", %s", column) for column in columns),
        )

    @api.model
    def _position_sums(self, company, today, lines=None):
        """The aggregates of the position over open lines ``aml`` (the first six position
        columns, then ``lines``): receivable, overdue, overdue count, oldest overdue due
        date, under a plan, disputed, in ``company``'s currency."""
        return SQL(
            """
            ROUND(SUM(aml.amount_residual), %(digits)s) AS receivable,
            ROUND(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s), %(digits)s) AS overdue,
            COUNT(*) FILTER (WHERE %(overdue)s) AS overdue_count,
            MIN(aml.date_maturity) FILTER (WHERE %(overdue)s) AS oldest,
            ROUND(SUM(aml.amount_residual) FILTER (WHERE aml.debt_in_plan), %(digits)s) AS in_plan,
            ROUND(SUM(aml.amount_residual) FILTER (WHERE aml.debt_disputed), %(digits)s) AS disputed
            %(lines)s
            """,
            digits=company.currency_id.decimal_places, overdue=overdue_where(today), lines=lines or SQL(""),
        )

    @api.model
    def _open_lines_where(self, company_ids):
        """The open posted lines ``aml`` of ``company_ids`` (the accounts apart)."""
        company_ids = list(company_ids)
        which = (SQL("aml.company_id = %s", company_ids[0]) if len(company_ids) == 1
                 else SQL("aml.company_id = ANY(%s)", company_ids))
        return SQL("%s AND aml.parent_state = 'posted' AND %s", which, OPEN_LINE)

    # ------------------------------------------------------------------
    # The chain: the same customer in the other companies of the database
    # ------------------------------------------------------------------

    @api.model
    def _chain_company_ids(self, company):
        """Ids of the other companies of ``company``'s chain: every other active company
        of the database keeping its books in the same currency (a chain runs its shops
        as companies of one database; amounts of another currency would not add up).
        Kept in the registry's cache, cleared when a company is created, deleted,
        archived or changes currency (``res.company.cache_invalidation_fields``)."""
        return list(self._chain_company_ids_cached(company.id))

    @api.model
    @tools.ormcache("company_id")
    def _chain_company_ids_cached(self, company_id):
        self.env["res.company"].flush_model(["active", "currency_id"])
        self.env.cr.execute(SQL(
            """
            SELECT other.id FROM res_company other, res_company this
             WHERE this.id = %s AND other.id != this.id AND other.active
               AND other.currency_id = this.currency_id
          ORDER BY other.id
            """,
            company_id,
        ))
        return tuple(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _chain_column(self, company, today):
        """Scalar subquery over the commercial partner ``rp``: its position in each other
        company of the chain (:meth:`_chain_company_ids`) where it has open lines, as a
        JSON array of ``[company id, receivable, overdue, overdue count, oldest overdue
        due date]`` (the sums of :meth:`_position_sums`); ``None`` without a chain.
        Read by :meth:`_chain_from_value`."""
        chain = self._chain_company_ids(company)
        if not chain:
            return None
        accounts = sorted({aid for cid in chain for aid in self._receivable_account_ids_cached(cid)})
        return SQL(
            """
            (SELECT json_agg(json_build_array(chain.company_id, chain.receivable, chain.overdue,
                                              chain.overdue_count, chain.oldest) ORDER BY chain.company_id)
               FROM (SELECT aml.company_id, %(sums)s
                       FROM account_move_line aml
                      WHERE aml.partner_id = ANY(ARRAY(
                                SELECT contact.id FROM res_partner contact
                                 WHERE contact.commercial_partner_id = rp.id))
                        AND %(accounts)s
                        AND %(open)s
                   GROUP BY aml.company_id) chain)
            """,
            sums=self._position_sums(company, today), accounts=receivable_accounts(accounts),
            open=self._open_lines_where(chain),
        )

    @api.model
    def _chain_from_value(self, value, today):
        """``[{company_id, receivable, overdue_amount, overdue_count, oldest_due_date,
        overdue_days}]`` from the value of :meth:`_chain_column` (JSON: dates as text)."""
        result = []
        for company_id, receivable, overdue, count, oldest in value or ():
            oldest = date.fromisoformat(oldest) if oldest else False
            result.append({
                "company_id": company_id,
                "receivable": float(receivable or 0.0),
                "overdue_amount": float(overdue or 0.0),
                "overdue_count": count or 0,
                "oldest_due_date": oldest,
                "overdue_days": (today - oldest).days if oldest else 0,
            })
        return result

    @api.model
    def _get_chain_positions(self, partners, company=None, today=None):
        """``{commercial_partner_id: [chain rows]}`` (see :meth:`_chain_from_value`): the
        positions of ``partners`` (any contacts) in the other companies of ``company``'s
        chain, in one statement; an empty list without debt elsewhere."""
        company = company or self.env.company
        today = fields.Date.to_date(today or fields.Date.context_today(self))
        partner_ids = [pid for pid in partners.ids if pid]
        column = self._chain_column(company, today)
        if not partner_ids or column is None:
            return {pid: [] for pid in partners.commercial_partner_id.ids}
        self._flush_position()
        self.env.cr.execute(SQL(
            "SELECT rp.id, %s FROM res_partner rp"
            " WHERE rp.id IN (SELECT commercial_partner_id FROM res_partner WHERE id = ANY(%s))",
            column, partner_ids,
        ))
        return {pid: self._chain_from_value(value, today) for pid, value in self.env.cr.fetchall()}

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

    # ------------------------------------------------------------------
    # The open due lines themselves
    # ------------------------------------------------------------------

    @api.model
    def _due_line_domain(self, company, partners=None, open_only=True):
        """ORM domain of :func:`due_lines_where` (``open_only=False``: of
        :func:`receivable_lines_where`) on ``account.move.line``."""
        domain = [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_id", "in", self._receivable_account_ids(company)),
        ]
        if partners is not None:
            domain.append(("partner_id.commercial_partner_id", "in", partners.commercial_partner_id.ids))
        if open_only:
            domain += [("reconciled", "=", False), ("amount_residual", "!=", 0)]
        return domain

    @api.model
    def _overdue_line_domain(self, company, today, partners=None):
        """ORM domain of the lines :func:`overdue_where` selects at ``today`` among the
        due lines of :func:`due_lines_where` (which are read with their contact: a line
        without a customer is no due line)."""
        domain = self._due_line_domain(company, partners)
        if partners is None:
            domain.append(("partner_id", "!=", False))
        return domain + [
            ("date_maturity", "<", fields.Date.to_string(today)),
            ("amount_residual", ">", 0),
            ("debt_in_plan", "=", False),
        ]

    @api.model
    def _debt_due_lines(self, partner_ids, company, today, with_credits=False):
        """The open due lines with a positive residual (``with_credits``: and the open
        credits) of the commercial partners ``partner_ids`` in ``company``, in one query:
        ``{commercial_partner_id: [line dicts]}`` in due-date order. :func:`is_overdue`
        tells the overdue ones, as the position counts them."""
        self.env["account.move.line"].flush_model(
            ["amount_residual", "reconciled", "parent_state", "date_maturity", "partner_id", "balance",
             "account_id", "company_id", "move_id", "debt_in_plan", "debt_disputed"]
        )
        self.env["account.move"].flush_model(["name", "invoice_date", "invoice_user_id", "date"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(SQL(
            """
            SELECT rp.commercial_partner_id, aml.id, aml.move_id, move.name,
                   COALESCE(move.invoice_date, move.date), aml.date_maturity, aml.balance,
                   aml.amount_residual, aml.debt_disputed IS TRUE, aml.debt_in_plan IS TRUE,
                   move.invoice_user_id
              FROM %s
             WHERE %s %s
          ORDER BY aml.date_maturity, aml.id
            """,
            DUE_LINES_FROM,
            due_lines_where(company.id, list(partner_ids), self._receivable_account_ids(company)),
            SQL("") if with_credits else SQL("AND aml.amount_residual > 0"),
        ))
        result = defaultdict(list)
        for row in self.env.cr.fetchall():
            result[row[0]].append(self._line_dict(row[1:], today))
        return result

    @api.model
    def _line_dict(self, values, today):
        """The dict of a due line from its values ``(id, move id, number, invoice date,
        due date, amount, residual, disputed, in plan, salesperson)``, as the reader and
        the position's ``with_lines`` give them (the latter as JSON: dates as text)."""
        line_id, move_id, number, inv_date, due, amount, residual, disputed, in_plan, user_id = values
        if isinstance(due, str):
            due = date.fromisoformat(due)
        if isinstance(inv_date, str):
            inv_date = date.fromisoformat(inv_date)
        return {
            "id": line_id,
            "move_id": move_id,
            "number": number,
            "invoice_date": inv_date,
            "date_maturity": due,
            "amount": float(amount),
            "paid": float(amount) - float(residual),
            "residual": float(residual),
            "days_late": max((today - due).days, 0) if due else 0,
            "disputed": disputed,
            "in_plan": in_plan,
            "user_id": user_id,
            "penalty": 0.0,
        }

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
