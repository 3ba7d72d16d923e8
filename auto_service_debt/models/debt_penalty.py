"""Accrued penalties per overdue due line, recomputed from scratch by the daily run,
and the log of what was invoiced or waived (so that no day is ever charged twice)."""

import hashlib
import logging
from collections import defaultdict
from decimal import Decimal

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ..tools.penalty import (
    RULES_VERSION,
    PenaltyError,
    PenaltyRateMissing,
    RateTable,
    compute_penalty,
)
from .debt_position import customer_lines_where, receivable_lines_where

_logger = logging.getLogger(__name__)

# Fields the daily run owns on debt.penalty: compared before writing so that a rerun
# on the same date writes nothing.
COMPUTED_FIELDS = (
    "partner_id", "move_id", "policy_id", "kind", "date_maturity", "principal", "residual",
    "computed_to", "settled_to", "amount_accrued", "amount_waived_open", "amount_open",
    "amount_invoiced", "amount_waived", "provisional", "note", "breakdown", "paid", "state",
    "input_digest",
)


class DebtPenalty(models.Model):
    """Penalty or art. 395 interest of one receivable due line (an invoice or one of its
    installments), for the days not yet invoiced or waived."""

    _name = "debt.penalty"
    _description = "Accrued Penalty"
    _order = "date_maturity, id"
    _rec_name = "move_line_id"

    move_line_id = fields.Many2one(
        "account.move.line", string="Due Line", required=True, ondelete="cascade",
        index=True, readonly=True,
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade", index=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one("debt.penalty.policy", string="Policy", readonly=True)
    kind = fields.Selection(
        [("contract", "Contractual penalty"), ("key_rate", "Interest (art. 395)")],
        readonly=True,
    )
    date_maturity = fields.Date(string="Due Date", readonly=True)
    principal = fields.Monetary(readonly=True, help="Amount of the due line.")
    residual = fields.Monetary(string="Unpaid", readonly=True)
    computed_to = fields.Date(
        string="Computed Up To", readonly=True,
        help="Last day counted in the accrued amount.",
    )
    settled_to = fields.Date(
        string="Invoiced Up To", readonly=True,
        help="Days up to this date were invoiced or waived; accrual continues after it.",
    )
    amount_accrued = fields.Monetary(
        string="Accrued", readonly=True,
        help="Penalty for the days after the invoiced date, after the cap.",
    )
    amount_waived_open = fields.Monetary(
        string="Waived (Not Invoiced)", readonly=True,
        help="Part of the accrued amount waived by a manager.",
    )
    amount_open = fields.Monetary(
        string="To Invoice", readonly=True, help="Accrued, not yet invoiced nor waived."
    )
    amount_invoiced = fields.Monetary(string="Invoiced", readonly=True)
    amount_waived = fields.Monetary(string="Waived", readonly=True)
    provisional = fields.Boolean(
        readonly=True,
        help="Key rates are not known up to today: the amount stops at the 'known up to' "
        "date and will grow once the table is updated.",
    )
    note = fields.Char(readonly=True)
    breakdown = fields.Json(readonly=True)
    input_digest = fields.Char(
        readonly=True, copy=False,
        help="Fingerprint of everything the amounts were computed from: the daily run "
        "recomputes the penalty only when it differs.",
    )
    breakdown_html = fields.Html(
        string="Calculation", compute="_compute_breakdown_html", sanitize=False
    )
    paid = fields.Boolean(
        string="Debt Paid", readonly=True, help="The due line is paid: the penalty no longer grows."
    )
    state = fields.Selection(
        [
            ("running", "Running"),
            ("stopped", "Debt paid, penalty open"),
            ("done", "Settled"),
        ],
        default="running", readonly=True, index=True,
    )
    invoice_prepared = fields.Boolean(
        string="Prepared for Invoicing", readonly=True, copy=False,
        help="A collector prepared a penalty invoice; a manager confirms it.",
    )
    invoice_prepared_uid = fields.Many2one("res.users", string="Prepared By", readonly=True)
    settlement_ids = fields.One2many("debt.penalty.settlement", "penalty_id", readonly=True)

    _sql_constraints = [
        ("move_line_uniq", "unique(move_line_id)", "A due line has one penalty record."),
    ]

    @api.depends("move_line_id")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = rec.move_id.name or ""

    @api.depends("breakdown", "kind")
    def _compute_breakdown_html(self):
        for rec in self:
            rec.breakdown_html = rec._debt_breakdown_table()

    # ------------------------------------------------------------------ display
    def _debt_breakdown_table(self):
        """HTML table of the stored breakdown: what the customer is shown and claimed."""
        self.ensure_one()
        data = self.breakdown or {}
        periods = data.get("periods") or []
        if not periods and not self.note:
            return False
        _ = self.env._
        currency = self.currency_id
        key_rate = self.kind == "key_rate"
        head = [_("From"), _("To"), _("Days"), _("Base")]
        head += [_("Rate, % per year"), _("Days in year")] if key_rate else [_("Rate, % per day")]
        head.append(_("Amount"))
        rows = []
        for p in periods:
            cells = [
                format_date(self.env, p["date_from"]), format_date(self.env, p["date_to"]),
                str(p["days"]), format_amount(self.env, p["base"], currency),
                f"{p['rate']:.2f}" if key_rate else f"{p['rate']:g}",
            ]
            if key_rate:
                cells.append(str(p["days_in_year"]))
            cells.append(format_amount(self.env, p["amount"], currency))
            rows.append(cells)
        html = Markup('<table class="table table-sm o_debt_penalty_breakdown"><thead><tr>')
        html += Markup("").join(Markup("<th>%s</th>") % h for h in head)
        html += Markup("</tr></thead><tbody>")
        for cells in rows:
            html += Markup("<tr>") + Markup("").join(Markup("<td>%s</td>") % c for c in cells)
            html += Markup("</tr>")
        html += Markup("</tbody></table>")
        footer = []
        if data.get("cap") is not None and data.get("subtotal", 0) > data.get("total", 0):
            footer.append(_(
                "Sum of periods %(subtotal)s, capped at %(cap)s (%(percent)s%% of the principal).",
                subtotal=format_amount(self.env, data["subtotal"], currency),
                cap=format_amount(self.env, data["cap"], currency),
                percent=data.get("cap_percent"),
            ))
        if self.settled_to:
            footer.append(_("Days up to %(date)s were invoiced or waived.",
                            date=format_date(self.env, self.settled_to)))
        if self.provisional:
            footer.append(_(
                "Provisional: key rates are known only up to %(date)s.",
                date=format_date(self.env, self.company_id.debt_key_rate_known_until),
            ))
        if self.note:
            footer.append(self.note)
        for line in footer:
            html += Markup("<p>%s</p>") % escape(line)
        return html

    # ------------------------------------------------------------------ computation
    @api.model
    def _debt_gather(self, company, partner_ids=None, line_ids=None, today=None):
        """Inputs of the computation for a batch, in a constant number of queries.

        Lines: overdue receivable due lines of ``company`` (of ``partner_ids`` or the
        given ``line_ids``) that are unpaid, or paid but whose penalty is not settled.
        Penalty invoices themselves bear no penalty.
        """
        self.env["account.move.line"].flush_model([
            "amount_residual", "reconciled", "parent_state", "date_maturity", "partner_id",
            "balance", "account_id", "move_id", "company_id",
        ])
        self.env["account.move"].flush_model(["debt_penalty_invoice"])
        self.env["account.partial.reconcile"].flush_model()
        self.flush_model()
        self.env["debt.penalty.settlement"].flush_model()
        accounts = self.env["debt.position"]._receivable_account_ids(company)
        due = [
            SQL("aml.balance > 0"),
            SQL("aml.date_maturity < %s", today),
            SQL("move.debt_penalty_invoice IS NOT TRUE"),
        ]
        filters = [receivable_lines_where(company.id, partner_ids, accounts), *due]
        if partner_ids is not None:
            filters.append(customer_lines_where(partner_ids))
        select = SQL(
            """
            SELECT aml.id, aml.move_id, rp.commercial_partner_id, aml.date_maturity,
                   aml.balance, aml.amount_residual, aml.reconciled, pen.id, pen.input_digest
              FROM account_move_line aml
              JOIN account_move move ON move.id = aml.move_id
              JOIN res_partner rp ON rp.id = aml.partner_id
         LEFT JOIN debt_penalty pen ON pen.move_line_id = aml.id
            """
        )
        where = SQL(" AND ").join(filters)
        if line_ids is not None:
            query = SQL("%s WHERE %s AND aml.id = ANY(%s) ORDER BY 1", select, where, list(line_ids))
        else:
            # The unpaid lines, read through Odoo's index of unreconciled items (account,
            # partner); then the paid ones whose penalty is not settled yet, read from the
            # batch's penalties rather than from the customers' whole paid history. A
            # penalty is found by the customer it was computed for: if its item has moved
            # to another customer since, this computation moves it too.
            paid = [
                receivable_lines_where(company.id, None, accounts), *due,
                SQL("pen.company_id = %s AND pen.state != 'done'", company.id),
            ]
            if partner_ids is not None:
                paid.append(SQL("pen.partner_id = ANY(%s)", list(partner_ids)))
            query = SQL(
                """
                %(select)s WHERE %(where)s AND aml.reconciled IS NOT TRUE
                 UNION ALL
                %(select)s WHERE %(paid)s AND aml.reconciled IS TRUE AND pen.id IS NOT NULL
                 ORDER BY 1
                """,
                select=select, where=where, paid=SQL(" AND ").join(paid),
            )
        self.env.cr.execute(query)
        lines = [
            dict(zip(("id", "move_id", "partner_id", "date_maturity", "balance", "residual",
                      "reconciled", "penalty_id", "digest"), row, strict=False))
            for row in self.env.cr.fetchall()
        ]
        ids = [line["id"] for line in lines]
        payments = defaultdict(list)
        settlements = defaultdict(list)
        if ids:
            self.env.cr.execute(SQL(
                """
                SELECT debit_move_id, max_date, amount FROM account_partial_reconcile
                 WHERE debit_move_id = ANY(%s) ORDER BY max_date, id
                """,
                ids,
            ))
            for line_id, pay_date, amount in self.env.cr.fetchall():
                payments[line_id].append((pay_date, f"{amount:.2f}"))
            penalty_ids = [line["penalty_id"] for line in lines if line["penalty_id"]]
            if penalty_ids:
                self.env.cr.execute(SQL(
                    """
                    SELECT s.penalty_id, s.kind, s.closes_period, s.date_to, s.amount,
                           pen.policy_id
                      FROM debt_penalty_settlement s
                      JOIN debt_penalty pen ON pen.id = s.penalty_id
                     WHERE s.penalty_id = ANY(%s)
                    """,
                    penalty_ids,
                ))
                for row in self.env.cr.fetchall():
                    settlements[row[0]].append(row)
        return lines, payments, settlements

    @api.model
    def _debt_compute(self, company, today, lines, payments, settlements, strict=False,
                      skip_unchanged=False):
        """Compute each gathered line; return ``{line_id: values}`` (values of
        debt.penalty plus ``"result"``, the pure result, or None when no policy applies).

        ``strict``: a day past the known key rates raises a UserError (claims, direct
        computation) instead of stopping at the known date with a provisional flag.

        ``skip_unchanged``: a line whose inputs have the fingerprint stored with its
        penalty (same debt, payments, settlements, policy terms, key rates, computation
        date and rules) gets ``{"unchanged": True, "provisional": ...}`` instead: its
        stored figures are what the computation would give again.
        """
        Partner = self.env["res.partner"]
        partner_ids = {line["partner_id"] for line in lines}
        policies = Partner.browse(partner_ids)._debt_effective_penalty_policy(company)
        # A debt that was already charged keeps its kind: never both on one debt.
        locked = {pid: rows[0][5] for pid, rows in settlements.items() if rows and rows[0][5]}
        Policy = self.env["debt.penalty.policy"].with_context(active_test=False)
        rates = None
        known_until = company.debt_key_rate_known_until
        currency = company.currency_id
        digits = currency.decimal_places
        # The penalty decimals are exact to the cent: as they are in a currency of cents,
        # else rounded by the currency.
        amount = float if digits == 2 else (lambda value: currency.round(float(value)))
        # What each policy gives the computation, read once per batch, not per line.
        policy_data = {}

        def data_of(policy):
            data = policy_data.get(policy.id)
            if data is None:
                kind = policy.kind
                data = policy_data[policy.id] = (
                    kind, policy._debt_params() if kind in ("contract", "key_rate") else None,
                    {"cap_percent": policy.cap_percent},
                )
            return data

        rates_repr = None

        out = {}
        for line in lines:
            policy = (
                Policy.browse(locked[line["penalty_id"]]) if line["penalty_id"] in locked
                else policies.get(line["partner_id"])
            )
            if not policy:
                out[line["id"]] = None
                continue
            kind, params, json_policy = data_of(policy)
            if params is None:
                out[line["id"]] = None
                continue
            rows = settlements.get(line["penalty_id"], [])
            settled_to = max((r[3] for r in rows if r[2]), default=None)
            consumed = sum(
                (Decimal(f"{r[4]:.2f}") for r in rows if settled_to and r[3] <= settled_to),
                Decimal(0),
            )
            waived_open = sum(
                (Decimal(f"{r[4]:.2f}") for r in rows
                 if r[1] == "waiver" and not r[2] and (not settled_to or r[3] > settled_to)),
                Decimal(0),
            )
            invoiced = sum((r[4] for r in rows if r[1] == "invoice"), 0.0)
            waived = sum((r[4] for r in rows if r[1] == "waiver"), 0.0)
            date_to = today
            provisional = False
            kwargs = {}
            if kind == "key_rate":
                if rates is None:
                    rates = RateTable(self.env["debt.key.rate"]._debt_rate_table())
                    rates_repr = repr(rates.rows)
                kwargs = {"rates": rates, "known_until": known_until}
                if not strict and known_until and date_to > known_until:
                    date_to = known_until
                    provisional = True
            digest = False
            if skip_unchanged:
                digest = hashlib.sha1(repr((
                    RULES_VERSION, digits, policy.id, kind, sorted(params.items()), json_policy,
                    rates_repr if kind == "key_rate" else None, known_until, date_to,
                    provisional, line["move_id"], line["partner_id"], line["date_maturity"],
                    line["balance"], line["residual"], line["reconciled"],
                    payments.get(line["id"]), rows,
                )).encode()).hexdigest()
                if line["penalty_id"] and digest == line.get("digest"):
                    out[line["id"]] = {"unchanged": True, "provisional": provisional}
                    continue
            note = False
            try:
                result = compute_penalty(
                    principal=f"{line['balance']:.2f}",
                    due_date=line["date_maturity"],
                    payments=payments.get(line["id"], []),
                    date_to=date_to,
                    kind=kind,
                    from_date=settled_to,
                    already_charged=consumed,
                    **params,
                    **kwargs,
                )
            except PenaltyRateMissing as exc:
                if strict:
                    raise UserError(self.env._(
                        "Cannot compute the interest of %(invoice)s up to %(date)s: %(error)s "
                        "(Debt Control > Configuration > Key Rates).",
                        invoice=self.env["account.move"].browse(line["move_id"]).display_name,
                        date=format_date(self.env, today), error=str(exc),
                    )) from exc
                result, note = None, str(exc)
            except PenaltyError as exc:
                result, note = None, str(exc)
            periods = result.periods if result else ()
            accrued = result.total if result else Decimal(0)
            amount_open = max(accrued - waived_open, Decimal(0))
            paid = bool(line["reconciled"])
            if paid and periods:
                computed_to = periods[-1].date_to
            elif paid:
                computed_to = settled_to or line["date_maturity"]
            else:
                computed_to = date_to
            state = "running"
            if paid:
                state = "stopped" if amount_open > 0 or provisional else "done"
            # Amounts read from the database have the currency's decimals already: round()
            # only removes the float noise of their sums (no tie can occur).
            out[line["id"]] = {
                "result": result,
                "move_line_id": line["id"],
                "move_id": line["move_id"],
                "partner_id": line["partner_id"],
                "company_id": company.id,
                "policy_id": policy.id,
                "kind": kind,
                "date_maturity": line["date_maturity"],
                "principal": round(line["balance"], digits),
                "residual": round(line["residual"], digits),
                "computed_to": computed_to,
                "settled_to": settled_to or False,
                "amount_accrued": amount(accrued),
                "amount_waived_open": amount(min(waived_open, accrued)),
                "amount_open": amount(amount_open),
                "amount_invoiced": round(invoiced, digits),
                "amount_waived": round(waived, digits),
                "provisional": provisional,
                "note": note or False,
                "breakdown": self._debt_breakdown_json(result, json_policy),
                "paid": paid,
                "state": state,
                "input_digest": digest,
            }
        return out

    @api.model
    def _debt_breakdown_json(self, result, policy):
        if not result:
            return False
        return {
            "periods": [
                {
                    "date_from": p.date_from.isoformat(),
                    "date_to": p.date_to.isoformat(),
                    "days": p.days,
                    "base": float(p.base),
                    "rate": float(p.rate),
                    "days_in_year": p.days_in_year,
                    "amount": float(p.amount),
                }
                for p in result.periods
            ],
            "subtotal": float(result.subtotal),
            "cap": float(result.cap_amount) if result.cap_amount is not None else None,
            "cap_percent": policy["cap_percent"] if result.cap_amount is not None else None,
            "total": float(result.total),
        }

    # ------------------------------------------------------------------ daily run
    @api.model
    def _debt_daily_candidates(self, company, today, code):
        """Customers with open receivables, plus those whose paid debts still carry a
        penalty that is neither invoiced nor waived."""
        partner_ids = set(self.env["debt.daily.run"]._open_receivable_partner_ids(company))
        if code == "penalties":
            self.env["debt.penalty"].flush_model(["company_id", "state", "partner_id"])
            self.env.cr.execute(SQL(
                "SELECT DISTINCT partner_id FROM debt_penalty WHERE company_id = %s AND state != 'done'",
                company.id,
            ))
            partner_ids.update(row[0] for row in self.env.cr.fetchall())
        return sorted(partner_ids)

    @api.model
    def _debt_daily_accrue(self, partners, company, today):
        """Daily-run step: recompute the penalties of these customers from scratch."""
        self.env["debt.penalty"]._debt_accrue(company, today, partner_ids=partners.ids)

    @api.model
    def _debt_accrue(self, company, today, partner_ids=None, line_ids=None):
        """Recompute and store the penalties of a batch (idempotent for ``today``).
        Return the debt.penalty records touched.

        Set-based: the stored values are read with one query and compared raw, the
        changed rows are written with one UPDATE (no per-record ORM read or write)."""
        lines, payments, settlements = self._debt_gather(company, partner_ids, line_ids, today)
        computed = self._debt_compute(
            company, today, lines, payments, settlements, skip_unchanged=True
        )
        Penalty = self.sudo()
        stored = Penalty._debt_stored_values([
            line["penalty_id"] for line in lines
            if line["penalty_id"] and not (computed[line["id"]] or {}).get("unchanged")
        ])
        # Stored amounts are already rounded: round (as _debt_value does) only on a difference.
        round_ = company.currency_id.round
        monetary = {f for f in COMPUTED_FIELDS if self._fields[f].type == "monetary"}
        to_create, to_unlink_ids, touched_ids, updates = [], [], [], []
        for line in lines:
            vals = computed[line["id"]]
            pen_id = line["penalty_id"]
            if vals and vals.get("unchanged"):
                touched_ids.append(pen_id)
                continue
            if vals is None or (not vals["result"] and not vals["note"] and not settlements.get(pen_id)):
                if pen_id and not settlements.get(pen_id):
                    to_unlink_ids.append(pen_id)
                continue
            vals = {k: v for k, v in vals.items() if k != "result"}
            if not pen_id:
                if vals["breakdown"] and vals["breakdown"]["periods"] or vals["note"]:
                    to_create.append(vals)
                continue
            old = stored[pen_id]
            if any(
                old[fname] != vals[fname]
                and (fname not in monetary or round_(old[fname] or 0.0) != vals[fname])
                for fname in COMPUTED_FIELDS
            ):
                updates.append((pen_id, vals))
            touched_ids.append(pen_id)
        if updates:
            Penalty._debt_write_rows(updates)
        if to_unlink_ids:
            Penalty.browse(to_unlink_ids).unlink()
        touched = Penalty.browse(touched_ids)
        if to_create:
            touched |= Penalty._debt_insert_rows(to_create)
        if any(vals and vals["provisional"] for vals in computed.values()):
            company._debt_key_rate_notify(today)
        return touched

    @api.model
    def _debt_stored_values(self, penalty_ids):
        """``{penalty_id: {field: value}}`` of the fields the daily run owns, read raw in
        one query (no record reads, no Json deep copies); NULL becomes False as in the
        ORM, except amounts, which stay raw (compare them rounded, see ``_debt_value``)."""
        if not penalty_ids:
            return {}
        self.flush_model(COMPUTED_FIELDS)
        self.env.cr.execute(SQL(
            "SELECT id, %s FROM debt_penalty WHERE id = ANY(%s)",
            SQL(", ").join(SQL.identifier(fname) for fname in COMPUTED_FIELDS),
            list(penalty_ids),
        ))
        monetary = {f for f in COMPUTED_FIELDS if self._fields[f].type == "monetary"}
        return {
            row[0]: {
                fname: False if value is None and fname not in monetary else value
                for fname, value in zip(COMPUTED_FIELDS, row[1:], strict=True)
            }
            for row in self.env.cr.fetchall()
        }

    def _debt_write_rows(self, updates):
        """Write ``[(penalty_id, vals)]`` (vals: every field of COMPUTED_FIELDS) in one
        UPDATE, then invalidate the cache and notify dependent fields as write() does."""
        records = self.browse([pen_id for pen_id, _vals in updates])
        fnames = list(COMPUTED_FIELDS)
        records.modified(fnames, before=True)
        columns = ["id", "write_uid", "write_date", *fnames]
        uid, now = self.env.uid, self.env.cr.now()
        rows = [
            (pen_id, uid, now, *(self._debt_column_value(fname, vals[fname]) for fname in fnames))
            for pen_id, vals in updates
        ]
        casts = {
            "write_uid": "int4", "write_date": "timestamp",
            **{fname: self._fields[fname].column_type[1] for fname in fnames},
        }
        assignments = ", ".join(f'"{col}" = "__tmp"."{col}"::{cast}' for col, cast in casts.items())
        column_list = ", ".join(f'"{col}"' for col in columns)
        # psycopg2's execute_values: the rows quoted at C speed, still one statement
        self.env.cr.execute_values(
            f'UPDATE debt_penalty SET {assignments} FROM (VALUES %s) AS "__tmp"({column_list})'
            ' WHERE debt_penalty.id = "__tmp".id',
            rows, page_size=max(len(rows), 1),
        )
        records.invalidate_recordset([*fnames, "write_uid", "write_date"], flush=False)
        records.modified(fnames)

    @api.model
    def _debt_insert_rows(self, vals_list):
        """Create the penalties ``vals_list`` (every field of COMPUTED_FIELDS, the due line
        and the company: what ``_debt_compute`` gives) with one INSERT, as create() would
        store them; the due line's unique constraint keeps a second penalty out."""
        fnames = ["move_line_id", "company_id", *COMPUTED_FIELDS]
        uid, now = self.env.uid, self.env.cr.now()
        casts = ["int4", "timestamp", "int4", "timestamp"] + [
            self._fields[fname].column_type[1] for fname in fnames
        ]
        rows = [
            (uid, now, uid, now, *(self._debt_column_value(fname, vals[fname]) for fname in fnames))
            for vals in vals_list
        ]
        self.flush_model()
        columns = ", ".join(f'"{fname}"' for fname in fnames)
        # psycopg2's execute_values: the rows quoted at C speed, still one statement
        result = self.env.cr.execute_values(
            f"INSERT INTO debt_penalty (create_uid, create_date, write_uid, write_date, {columns},"
            " invoice_prepared) SELECT *, false FROM (VALUES %s) AS v RETURNING id",
            rows, template="(" + ", ".join(f"%s::{cast}" for cast in casts) + ")",
            page_size=max(len(rows), 1), fetch=True,
        )
        records = self.browse([row[0] for row in result])
        # what create() updates: the invoices' penalties and what depends on them
        self.env["account.move"].invalidate_model(["debt_penalty_ids"])
        records.modified(fnames)
        return records

    def _debt_column_value(self, fname, value):
        """``value`` of the run-owned field ``fname`` as its column stores it."""
        field = self._fields[fname]
        if field.type == "json":
            return field.convert_to_column(value, self)
        if value is False and field.type not in ("boolean", "monetary"):
            return None
        return value

    def _debt_value(self, fname):
        value = self[fname]
        if isinstance(value, models.BaseModel):
            return value.id
        if self._fields[fname].type == "monetary":
            return self.currency_id.round(value)
        return value

    def _debt_invoice_line_label(self):
        self.ensure_one()
        periods = (self.breakdown or {}).get("periods") or []
        values = {
            "invoice": self.move_id.name,
            "due": format_date(self.env, self.date_maturity),
            "from": format_date(self.env, periods[0]["date_from"]) if periods else "",
            "to": format_date(self.env, self.computed_to),
        }
        if self.kind == "key_rate":
            return self.env._(
                "Interest under art. 395 of the Civil Code on %(invoice)s (due %(due)s) "
                "for %(from)s - %(to)s", **values
            )
        return self.env._(
            "Contractual penalty for late payment of %(invoice)s (due %(due)s) "
            "for %(from)s - %(to)s", **values
        )

    # ------------------------------------------------------------------ actions
    def action_open_invoice_wizard(self):
        partners = self.partner_id
        if len(partners) > 1:
            raise UserError(self.env._(
                "Select the penalties of one customer to invoice them (selected: %(names)s).",
                names=", ".join(partners.mapped("display_name")),
            ))
        return self.env["debt.penalty.invoice.wizard"]._debt_action_open(self)

    def action_open_waive_wizard(self):
        return self.env["debt.penalty.waive.wizard"]._debt_action_open(self)
