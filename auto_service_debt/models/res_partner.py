"""Customers: the credit policy per company, the stored block flag and the live evaluation,
and what the other features add to a customer (plans, score, cases, penalty terms, claims
and the statement of its receivable account)."""

import ast
import datetime
from datetime import timedelta

import babel.dates

from odoo import _lt, api, fields, models, tools
from odoo.addons.base.models.res_lang import intersperse
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL
from odoo.tools.float_utils import float_round
from odoo.tools.misc import babel_locale_parse, format_date, get_lang, posix_to_ldml

from ..tools.debt_block import (
    DeferredAmount,
    evaluate_block,
    prepayment_applies,
    prepayment_required,
    resolve_deferred,
)
from .debt_block_facts import BLOCK_FACTS, POLICY_COLUMNS, POLICY_FIELDS
from .debt_position import PARTNER_IDS, TODAY, StatementSlot


class ReasonFormatter:
    """``formatLang``, ``format_date`` and translated texts of one language and one
    currency, with the language data and the translations resolved once instead of at
    every call (the daily flags format thousands of texts); nothing is read before the
    first text is needed. Same output as the Odoo helpers."""

    __slots__ = ("_date_format", "_dates", "_env", "_locale", "_texts", "currency",
                 "decimal_point", "digits", "grouping", "position", "symbol", "thousands_sep")

    def __init__(self, env, currency):
        self._env = env
        self.currency = currency
        self._texts = {}
        self._locale = None

    def _load(self):
        env, currency = self._env, self.currency
        lang = get_lang(env)
        data = env["res.lang"]._get_data(id=lang.id)  # what res.lang.format reads
        self.grouping = ast.literal_eval(data.grouping)
        self.thousands_sep = data.thousands_sep or ""
        self.decimal_point = data.decimal_point
        self.digits = currency.decimal_places
        self.symbol = currency.symbol
        self.position = currency.position
        self._locale = babel_locale_parse(lang.code)
        self._date_format = posix_to_ldml(lang.date_format, locale=self._locale)
        self._dates = {}

    def text(self, lazy, **values):
        """The translation of ``lazy`` (an ``_lt`` text) filled with ``values``."""
        template = self._texts.get(id(lazy))
        if template is None:
            template = self._texts[id(lazy)] = self._env._(lazy)
        return template % values if values else template

    def number(self, value, digits=2):
        """``formatLang(env, value, digits=digits)``."""
        if value == "":
            return ""
        if self._locale is None:
            self._load()
        rounded = float_round(value, precision_digits=digits, rounding_method="HALF-EVEN")
        parts = (f"%.{digits}f" % rounded).split(".")
        parts[0] = intersperse(parts[0], self.grouping, self.thousands_sep)[0]
        return self.decimal_point.join(parts)

    def money(self, value):
        """``formatLang(env, value, currency_obj=currency)``."""
        if self._locale is None:
            self._load()
        formatted = self.number(value, self.digits)
        if not self.symbol or value == "":
            return formatted
        if self.position == "after":
            return f"{formatted}\N{NO-BREAK SPACE}{self.symbol}"
        return f"{self.symbol}\N{NO-BREAK SPACE}{formatted}"

    def date(self, value):
        """``format_date(env, value)``."""
        if self._locale is None:
            self._load()
        if type(value) is not datetime.date:
            return format_date(self._env, value)
        text = self._dates.get(value)
        if text is None:
            text = self._dates[value] = babel.dates.format_date(
                value, format=self._date_format, locale=self._locale
            )
        return text


# Texts of the block reasons, translated once per batch by the ReasonFormatter.
REASON_ALWAYS = _lt("Blocked manually: %(reason)s")
NO_REASON = _lt("no reason given")
REASON_CREDIT_LIMIT = _lt(
    "Credit limit exceeded: owed %(exposure)s + this order %(amount)s = %(total)s, "
    "limit %(limit)s (over by %(excess)s)."
)
REASON_CREDIT_LIMIT_NO_ORDER = _lt(
    "Credit limit exceeded: owed %(exposure)s, limit %(limit)s (over by %(excess)s)."
)
REASON_OVERDUE_DAYS = _lt(
    "Overdue for %(days)s days (oldest due date %(date)s), %(allowed)s days allowed; "
    "overdue amount %(overdue)s."
)
REASON_OVERDUE_AMOUNT = _lt("Overdue amount %(overdue)s exceeds the allowed %(allowed)s.")
REASON_CHAIN_DAYS = _lt(
    "Overdue in other shops of the chain for %(days)s days, %(allowed)s days allowed; "
    "overdue amount %(overdue)s."
)
REASON_CHAIN_AMOUNT = _lt(
    "Overdue amount in other shops of the chain %(overdue)s exceeds the allowed %(allowed)s."
)
# What the customer owes in the other companies of the chain (banners, block message):
# the totals, or one line per company the user may see.
CHAIN_OVERDUE = _lt(
    "Elsewhere in the chain: owed %(receivable)s, %(overdue)s overdue, up to %(days)s days late."
)
CHAIN_OWED = _lt("Elsewhere in the chain: owed %(receivable)s, nothing overdue.")
CHAIN_COMPANY_OVERDUE = _lt(
    "Elsewhere in the chain, %(company)s: owed %(receivable)s, %(overdue)s overdue, "
    "up to %(days)s days late."
)
CHAIN_COMPANY_OWED = _lt("Elsewhere in the chain, %(company)s: owed %(receivable)s, nothing overdue.")
REASON_PREPAYMENT = _lt(
    "Prepayment missing: %(percent)s%% of the order (%(required)s) must be paid "
    "before confirmation; paid %(paid)s, missing %(missing)s."
)

# Odoo's own credit limit: a Debt Manager's decision too (or an Accounting
# Administrator's, whose field it is in Odoo).
CREDIT_LIMIT_GROUPS = ("auto_service_debt.group_debt_manager", "account.group_account_manager")

# Context value that lets Odoo's own merge of duplicate contacts carry the policy of the
# merged customers: an object, which no RPC call can forge.
MERGE_TOKEN = object()

# Payment-discipline grades (debt.partner.score).
GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")]

# The penalty terms agreed with a customer (company-dependent).
PENALTY_TERMS = {"debt_penalty_policy_id", "debt_penalty_clause_signed", "debt_penalty_contract_ref"}

# Period of a customer's statement by default (days up to today).
STATEMENT_DAYS = 90


class ResPartner(models.Model):
    """Customers carry their credit policy (per company) and their block state."""

    _name = "res.partner"
    _inherit = ["res.partner", "debt.block.mixin"]

    debt_block_mode = fields.Selection(
        [("auto", "Automatic"), ("never", "Never block"), ("always", "Always block")],
        string="Service Block",
        company_dependent=True,
        help="Automatic: blocked by the credit limit and the overdue rules. Never: a trusted "
        "customer, also exempt from prepayment. Always: blocked manually, with a reason.",
    )
    debt_block_reason = fields.Char(
        string="Manual Block Reason",
        company_dependent=True,
        help="Why the customer is always blocked; shown in the block message.",
    )
    debt_custom_terms = fields.Boolean(
        string="Own Overdue Terms",
        company_dependent=True,
        help="Use the overdue limits and prepayment below instead of the company defaults.",
    )
    debt_max_overdue_days = fields.Integer(
        string="Allowed Overdue Days",
        company_dependent=True,
        help="Blocked when the oldest overdue item is older than this. 0 blocks on any overdue item.",
    )
    debt_max_overdue_amount = fields.Float(
        string="Allowed Overdue Amount",
        company_dependent=True,
        digits="Account",
        help="Blocked when the overdue amount exceeds this. 0: no amount limit.",
    )
    debt_prepayment_percent = fields.Float(
        string="Prepayment (%)",
        company_dependent=True,
        help="Share of a new order that must be paid before it is confirmed.",
    )
    debt_blocked = fields.Boolean(
        string="Blocked",
        compute="_compute_debt_blocked",
        search="_search_debt_blocked",
        help="Stored block flag of the customer in the current company, refreshed when "
        "invoices are posted or cancelled, payments reconciled and every day. "
        "Confirmations always check live.",
    )
    debt_blocked_reasons = fields.Text(
        string="Stored Block Reasons", compute="_compute_debt_blocked"
    )

    # ------------------------------------------------------------------
    # Stored flag
    # ------------------------------------------------------------------

    @api.depends_context("company")
    def _compute_debt_blocked(self):
        statuses = self.env["debt.partner.status"].sudo().search([
            ("partner_id", "in", self.commercial_partner_id.ids),
            ("company_id", "=", self.env.company.id),
        ])
        by_partner = {status.partner_id.id: status for status in statuses}
        for partner in self:
            status = by_partner.get(partner.commercial_partner_id.id)
            partner.debt_blocked = bool(status and status.blocked)
            partner.debt_blocked_reasons = status.reasons if status and status.blocked else False

    def _search_debt_blocked(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        blocked = self.env["debt.partner.status"].sudo()._search([
            ("company_id", "=", self.env.company.id), ("blocked", "=", True),
        ])
        positive = (operator == "=") == bool(value)
        return [("commercial_partner_id", "in" if positive else "not in", blocked.subselect("partner_id"))]

    # ------------------------------------------------------------------
    # Policy
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Defaults (e.g. of a user's partner) are not a policy decision.
        decided = {
            name for vals in vals_list for name in POLICY_FIELDS
            if vals.get(name) not in (None, False, 0, 0.0, "", "auto")
        }
        names = ", ".join(str(vals.get("name") or "") for vals in vals_list[:3])
        if decided:
            self._debt_check_policy_access(decided, names)
        if any(vals.get("credit_limit") for vals in vals_list):
            self._debt_check_credit_limit_access(names)
        return super().create(vals_list)

    def write(self, vals):
        # Only what really changes is a decision: Odoo's merge of contacts, an import
        # or a form saving every field write the same values again.
        if (
            self._debt_changed_fields(vals, PENALTY_TERMS)
            and not self._debt_trusted_write()
            and not self.env.user.has_group("auto_service_debt.group_debt_manager")
        ):
            raise AccessError(self.env._(
                "Only a debt manager may change the penalty terms of %(partners)s.",
                partners=", ".join(self.mapped("display_name")),
            ))
        policy_change = self._debt_changed_fields(vals, POLICY_FIELDS)
        limit_change = self._debt_changed_fields(vals, ("credit_limit",))
        if policy_change:
            self._debt_check_policy_access(policy_change)
        if limit_change:
            self._debt_check_credit_limit_access()
        res = super().write(vals)
        if policy_change or limit_change:
            # an event: the stored flag follows at the end of the transaction
            self.env["debt.partner.status"]._debt_mark(self, self.env.company)
        return res

    def _debt_changed_fields(self, vals, names):
        """The fields among ``names`` that ``vals`` changes on one of these records (in
        the current company)."""
        changed = set()
        for name in set(names) & set(vals):
            field = self._fields[name]
            new = field.convert_to_cache(vals[name], self.browse(), validate=False)
            for partner in self:
                old = partner[name]
                if field.type == "many2one":
                    # the cache holds the id of the new record
                    old = old.id
                if field.type in ("float", "monetary"):
                    if round(old or 0.0, 6) != round(new or 0.0, 6):
                        changed.add(name)
                        break
                elif field.type == "selection" and name == "debt_block_mode":
                    if (old or "auto") != (new or "auto"):
                        changed.add(name)
                        break
                elif (old or False) != (new or False):
                    changed.add(name)
                    break
        return changed

    def _debt_trusted_write(self):
        return self.env.su or self.env.context.get("debt_partner_merge") is MERGE_TOKEN

    def _debt_check_policy_access(self, fnames, partner_names=None):
        if self._debt_trusted_write() or self.env.user.has_group("auto_service_debt.group_debt_manager"):
            return
        labels = ", ".join(sorted(self._fields[name]._description_string(self.env) for name in fnames))
        raise AccessError(self.env._(
            "Only a Debt Manager may change the credit policy (%(fields)s) of %(partners)s. Ask "
            "a Debt Manager to change it on the Debt Control tab of the customer.",
            fields=labels, partners=partner_names or ", ".join(self[:3].mapped("display_name")),
        ))

    def _debt_check_credit_limit_access(self, partner_names=None):
        if self._debt_trusted_write() or any(self.env.user.has_group(g) for g in CREDIT_LIMIT_GROUPS):
            return
        raise AccessError(self.env._(
            "Only a Debt Manager may change the credit limit of %(partners)s. Ask a Debt "
            "Manager to set it on the customer's form.",
            partners=partner_names or ", ".join(self[:3].mapped("display_name")),
        ))

    @api.constrains(
        "credit_limit", "debt_max_overdue_days", "debt_max_overdue_amount", "debt_prepayment_percent"
    )
    def _check_debt_policy_values(self):
        # credit_limit is an accounting field: the check reads it whoever writes
        for partner in self.sudo():
            if (partner.credit_limit or 0.0) < 0:
                raise ValidationError(self.env._(
                    "The credit limit of %(partner)s cannot be negative (%(value)s). Enter 0 for "
                    "no limit, or a positive amount.", partner=partner.display_name,
                    value=partner.credit_limit,
                ))
            if (partner.debt_max_overdue_days or 0) < 0:
                raise ValidationError(self.env._(
                    "The allowed overdue days of %(partner)s cannot be negative (%(value)s). Enter "
                    "0 to block on any overdue item, or a positive number of days.",
                    partner=partner.display_name, value=partner.debt_max_overdue_days,
                ))
            if (partner.debt_max_overdue_amount or 0.0) < 0:
                raise ValidationError(self.env._(
                    "The allowed overdue amount of %(partner)s cannot be negative (%(value)s). "
                    "Enter 0 for no amount limit, or a positive amount.",
                    partner=partner.display_name, value=partner.debt_max_overdue_amount,
                ))
            if not 0 <= (partner.debt_prepayment_percent or 0.0) <= 100:
                raise ValidationError(self.env._(
                    "The prepayment of %(partner)s must be between 0 and 100 %%, not %(value)s %%.",
                    partner=partner.display_name, value=partner.debt_prepayment_percent,
                ))

    POLICY_COLUMNS = POLICY_COLUMNS

    @api.model
    def _debt_block_columns(self, company):
        """``{key: SQL}``: what the block check reads of a commercial partner ``rp`` in
        ``company``, in the same statement as its debt position: the columns of
        :data:`~.debt_block_facts.BLOCK_FACTS` that the company uses."""
        columns = {}
        for fact in BLOCK_FACTS:
            column = fact.column(self.env, company)
            if column is not None:
                columns[fact.key] = column
        return columns

    @api.model
    def _debt_block_cache_key(self, company):
        """What the composed statement depends on besides company, language and plan."""
        return tuple(fact.cache_key(company) for fact in BLOCK_FACTS if fact.cache_key)

    @api.model
    @tools.ormcache("company.id", "self.env.lang", "self._debt_block_cache_key(company)",
                    "company.currency_id.decimal_places", "batch")
    def _debt_block_statement(self, company, batch):
        """``(code, params, keys)``: the statement of :meth:`_debt_block_facts` for
        ``company``, composed once per company, language and plan (``batch``) and kept
        in the registry's cache; ``params`` hold the slots ``PARTNER_IDS`` and ``TODAY``
        where each execution puts its customers and date. What else the SQL embeds
        (receivable accounts, policy defaults, the settings in the key) clears the
        registry's cache or changes the key when it changes."""
        columns = self._debt_block_columns(company)
        query = self.env["debt.position"]._position_query(
            PARTNER_IDS, company, TODAY, list(columns.values()), batch=batch,
        )
        return query.code, tuple(query.params), tuple(columns)

    @api.model
    def _debt_flush_block_facts(self):
        """Flush what the columns of the block facts read."""
        for fact in BLOCK_FACTS:
            for model, fnames in fact.flush.items():
                self.env[model].flush_model(fnames)

    @api.model
    @tools.ormcache("company.id")
    def _debt_default_credit_limit(self, company):
        """The company's default credit limit (core's fallback of ``credit_limit``),
        cached with the defaults (a change of an ``ir.default`` clears the cache)."""
        partners = self.with_company(company).sudo()
        return partners._fields["credit_limit"].get_company_dependent_fallback(partners) or 0.0

    @api.model
    def _debt_block_defaults(self, company):
        """What every customer's policy takes from ``company``, read once per batch:
        ``{key: value}`` given to :meth:`_debt_block_policy`. Extend with super()."""
        return {
            "use_company_limit": company.account_use_credit_limit,
            "default_limit": self._debt_default_credit_limit(company),
            "max_overdue_days": company.debt_max_overdue_days or 0,
            "max_overdue_amount": company.debt_max_overdue_amount or 0.0,
            "prepayment_percent": company.debt_prepayment_percent or 0.0,
            "grade_prepayment": {
                "C": company.debt_grade_c_prepayment, "D": company.debt_grade_d_prepayment,
            },
            "chain_block": company.debt_chain_block,
        }

    @api.model
    def _debt_block_policy(self, defaults, facts):
        """The policy of one customer from its ``facts`` (values of
        :meth:`_debt_block_columns` by key) and the company ``defaults``
        (:meth:`_debt_block_defaults`).

        The credit limit is core's company-dependent ``credit_limit``. It applies when
        it is positive and either the company enabled "Sales Credit Limit" (then the
        company default limit counts too) or the customer has a limit of its own.
        """
        limit = facts["credit_limit"] or 0.0
        applies = limit > 0 and (defaults["use_company_limit"] or limit != defaults["default_limit"])
        own = facts["debt_custom_terms"]
        policy = {
            "mode": facts["debt_block_mode"] or "auto",
            "block_reason": facts["debt_block_reason"] or "",
            "credit_limit": limit if applies else 0.0,
            "max_overdue_days": (
                facts["debt_max_overdue_days"] or 0 if own else defaults["max_overdue_days"]
            ),
            "max_overdue_amount": (
                facts["debt_max_overdue_amount"] or 0.0 if own else defaults["max_overdue_amount"]
            ),
            "prepayment_percent": (
                facts["debt_prepayment_percent"] or 0.0 if own else defaults["prepayment_percent"]
            ),
        }
        for fact in BLOCK_FACTS:
            if fact.policy and fact.key in facts:
                fact.policy(policy, defaults, facts[fact.key])
        return policy

    @api.model
    def _debt_extra_reason_texts(self, facts, formatter):
        """The texts of the reasons the features' facts give (``formatter``: the batch's
        :class:`ReasonFormatter`)."""
        texts = []
        for fact in BLOCK_FACTS:
            if fact.reasons and facts.get(fact.key):
                texts.extend(fact.reasons(facts[fact.key], formatter))
        return texts

    @api.model
    def _debt_block_facts(self, partner_ids, company, today=None):
        """``{partner_id: (position, facts)}`` of commercial partners in ``company``: the
        debt position and the values of :meth:`_debt_block_columns`, in one query."""
        today = today or fields.Date.context_today(self)
        Position = self.env["debt.position"]
        # A batch (the daily run) sums all its customers' lines at once.
        code, params, keys = self._debt_block_statement(company, len(partner_ids) > 50)
        Position._flush_position()
        self._debt_flush_block_facts()
        values = {PARTNER_IDS: list(partner_ids), TODAY: today}
        self.env.cr.execute(code, [values[param] if isinstance(param, StatementSlot) else param
                                   for param in params])
        width = Position.POSITION_COLUMNS + 1
        return {
            row[0]: (
                Position._position_from_row(row[1:width], company, today),
                dict(zip(keys, row[width:], strict=True)),
            )
            for row in self.env.cr.fetchall()
        }

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------

    @api.model
    def _debt_evaluate(self, company, entries, today=None, lazy_paid=False, commercial=False):
        """Evaluate the block rules for ``entries`` = ``[(partner, amount, paid)]`` in
        ``company`` (``amount`` the new work in company currency, ``paid`` the
        prepayment already paid, a ``DeferredAmount`` of it, or ``None``). Return one
        dict per entry with ``partner_id``, ``company``, ``position``, ``chain`` (its
        positions in the other companies of the chain, see
        ``debt.position._chain_from_value``), ``policy``, ``reasons`` (codes and
        figures), ``messages`` (texts) and ``prepayment_required``. The chain's overdue
        debt is a reason when the company blocks for it (``debt_chain_block``).

        Deferred amounts are fetched in one batch; with ``lazy_paid`` only those of
        entries whose policy asks a prepayment (the others get 0.0: the amount paid
        cannot change their evaluation).

        One query (the position, the policy and the other features' facts together),
        whatever the number of partners or invoices, plus one for the prepayments paid
        when one is required. ``commercial``: the partners are commercial partners
        already (the daily run's), so that their records need not be read.
        """
        today = today or fields.Date.context_today(self)
        if commercial:
            pids = [partner.id for partner, _a, _p in entries]
        else:
            pids = [partner.commercial_partner_id.id for partner, _a, _p in entries]
        # Read with sudo: the evaluation must not depend on the rights of whoever
        # confirms the order.
        Partner = self.sudo()
        Position = self.env["debt.position"]
        facts_by_pid = Partner._debt_block_facts(list(set(pids)), company, today)
        defaults = Partner._debt_block_defaults(company)
        formatter = self._debt_reason_formatter(company)
        digits = company.currency_id.decimal_places
        policies, extra, chains = {}, {}, {}
        for pid, (_position, facts) in facts_by_pid.items():
            policies[pid] = Partner._debt_block_policy(defaults, facts)
            extra[pid] = Partner._debt_extra_reason_texts(facts, formatter)
            chains[pid] = Position._chain_from_value(facts.get("debt_chain"), today)
        paids = [paid for _partner, _a, paid in entries]
        if any(isinstance(paid, DeferredAmount) for paid in paids):
            paids = resolve_deferred(paids, [
                not lazy_paid or prepayment_applies(policies[pid], amount)
                for pid, (_partner, amount, _p) in zip(pids, entries, strict=True)
            ])
        results = []
        for pid, (_partner, amount, _p), paid in zip(pids, entries, paids, strict=True):
            position, policy, chain = facts_by_pid[pid][0], policies[pid], chains[pid]
            reasons = evaluate_block(
                position, policy, amount, paid, extra[pid], digits,
                chain=self._debt_chain_total(chain, digits) if defaults["chain_block"] and chain else None,
            )
            if reasons:
                messages = self._debt_reason_messages(reasons, company, formatter)
            else:
                messages = []
            results.append({
                "partner_id": pid,
                "company": company,
                "position": position,
                "chain": chain,
                "policy": policy,
                "amount": amount,
                "paid": paid,
                "reasons": reasons,
                "messages": messages,
                "prepayment_required": (
                    prepayment_required(amount, policy["prepayment_percent"], digits)
                    if paid is not None and policy["mode"] != "never" else 0.0
                ),
            })
        return results

    @api.model
    def _debt_reason_formatter(self, company):
        """Number and date formatting of the current language and the company currency,
        resolved once for a batch of messages (same output as ``formatLang`` and
        ``format_date``)."""
        return ReasonFormatter(self.env, company.currency_id)

    @api.model
    def _debt_reason_messages(self, reasons, company, formatter=None):
        """Human texts of evaluated reasons, amounts in the company currency. Pass the
        ``formatter`` of ``_debt_reason_formatter`` when formatting many customers."""
        if not reasons:
            return []
        fmt = formatter or self._debt_reason_formatter(company)
        money = fmt.money
        messages = []
        for code, val in reasons:
            if code == "always":
                messages.append(fmt.text(REASON_ALWAYS, reason=val["reason"] or fmt.text(NO_REASON)))
            elif code == "credit_limit" and not val["amount"]:
                # the stored flag and a customer's banner: no order in question
                messages.append(fmt.text(
                    REASON_CREDIT_LIMIT_NO_ORDER,
                    exposure=money(val["exposure"]), limit=money(val["limit"]), excess=money(val["excess"]),
                ))
            elif code == "credit_limit":
                messages.append(fmt.text(
                    REASON_CREDIT_LIMIT,
                    exposure=money(val["exposure"]), amount=money(val["amount"]),
                    total=money(val["total"]), limit=money(val["limit"]), excess=money(val["excess"]),
                ))
            elif code == "overdue_days":
                messages.append(fmt.text(
                    REASON_OVERDUE_DAYS,
                    days=val["days"], date=fmt.date(val["oldest_due_date"]),
                    allowed=val["max_days"], overdue=money(val["overdue_amount"]),
                ))
            elif code == "overdue_amount":
                messages.append(fmt.text(
                    REASON_OVERDUE_AMOUNT,
                    overdue=money(val["overdue_amount"]), allowed=money(val["max_amount"]),
                ))
            elif code == "chain_overdue_days":
                messages.append(fmt.text(
                    REASON_CHAIN_DAYS,
                    days=val["days"], allowed=val["max_days"], overdue=money(val["overdue_amount"]),
                ))
            elif code == "chain_overdue_amount":
                messages.append(fmt.text(
                    REASON_CHAIN_AMOUNT,
                    overdue=money(val["overdue_amount"]), allowed=money(val["max_amount"]),
                ))
            elif code == "prepayment":
                messages.append(fmt.text(
                    REASON_PREPAYMENT,
                    percent=fmt.number(val["percent"], 0 if val["percent"] == int(val["percent"]) else 2),
                    required=money(val["required"]), paid=money(val["paid"]),
                    missing=money(val["missing"]),
                ))
            else:
                messages.append(val["text"])
        return messages

    # ------------------------------------------------------------------
    # The chain: what the customer owes in the other companies
    # ------------------------------------------------------------------

    @api.model
    def _debt_chain_total(self, chain, digits=2):
        """The totals of chain rows (``debt.position._chain_from_value``): receivable
        and overdue summed, the oldest overdue due date and its days."""
        oldest = [row["oldest_due_date"] for row in chain if row["oldest_due_date"]]
        return {
            "receivable": round(sum(row["receivable"] for row in chain), digits),
            "overdue_amount": round(sum(row["overdue_amount"] for row in chain), digits),
            "overdue_count": sum(row["overdue_count"] for row in chain),
            "oldest_due_date": min(oldest) if oldest else False,
            "overdue_days": max((row["overdue_days"] for row in chain), default=0),
        }

    @api.model
    def _debt_chain_rows(self, company, chain):
        """The chain rows as the current user may see them: one row per other company the
        user is allowed in (``company_id``, ``company_name``), and the companies the user
        may not see folded into one row of totals (``company_id`` False, no name). Only
        rows where something is owed or overdue."""
        digits = company.currency_id.decimal_places
        chain = [row for row in chain if row["receivable"] > 0 or row["overdue_amount"] > 0]
        allowed = set(self.env.user.company_ids.ids)
        named = [row for row in chain if row["company_id"] in allowed]
        hidden = [row for row in chain if row["company_id"] not in allowed]
        names = {}
        if named:
            companies = self.env["res.company"].sudo().browse([row["company_id"] for row in named])
            names = {co.id: co.name for co in companies}
        rows = [dict(row, company_name=names[row["company_id"]]) for row in named]
        if hidden:
            rows.append(dict(self._debt_chain_total(hidden, digits), company_id=False, company_name=False))
        return rows

    @api.model
    def _debt_chain_texts(self, company, chain, formatter=None):
        """The lines of the banner and of the block message about the chain (see
        :meth:`_debt_chain_rows`), amounts in ``company``'s currency."""
        if not chain:
            return []
        fmt = formatter or self._debt_reason_formatter(company)
        texts = []
        for row in self._debt_chain_rows(company, chain):
            values = {"receivable": fmt.money(row["receivable"])}
            if row["company_name"]:
                values["company"] = row["company_name"]
            if row["overdue_amount"] > 0:
                lazy = CHAIN_COMPANY_OVERDUE if row["company_name"] else CHAIN_OVERDUE
                values.update(overdue=fmt.money(row["overdue_amount"]), days=row["overdue_days"])
            else:
                lazy = CHAIN_COMPANY_OWED if row["company_name"] else CHAIN_OWED
            texts.append(fmt.text(lazy, **values))
        return texts

    def _debt_chain_summary(self, company=None, today=None):
        """``{commercial_partner_id: [rows]}``: what these customers owe in the other
        companies of ``company``'s chain, as the current user may see it
        (:meth:`_debt_chain_rows`: per company, or totals only for the companies whose
        documents the user may not see), one statement. Amounts only, never documents:
        the follow-up screen shows them as they are."""
        company = company or self.env.company
        today = fields.Date.to_date(today or fields.Date.context_today(self))
        chains = self.env["debt.position"].sudo()._get_chain_positions(self, company, today)
        return {pid: self._debt_chain_rows(company, chain) for pid, chain in chains.items()}

    # ------------------------------------------------------------------
    # Banner
    # ------------------------------------------------------------------

    def _debt_banner_items(self):
        company = self.env.company
        return {
            partner: (partner.commercial_partner_id, company, 0.0, None)
            for partner in self
            if partner.id
        }

    # ------------------------------------------------------------------
    # Installment plans
    # ------------------------------------------------------------------

    debt_plan_count = fields.Integer(
        string="Installment Plans", compute="_compute_debt_plan_count",
        groups="auto_service_debt.group_debt_user",
    )

    def _compute_debt_plan_count(self):
        counts = dict(
            self.env["debt.installment.plan"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.debt_plan_count = counts.get(partner.commercial_partner_id, 0)

    def action_debt_view_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "auto_service_debt.action_debt_installment_plan"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # ------------------------------------------------------------------
    # Payment discipline
    # ------------------------------------------------------------------

    debt_score = fields.Integer(
        string="Payment Discipline", compute="_compute_debt_score",
        help="0 (worst) to 100 (best), from the last 24 months; recomputed daily.",
    )
    debt_grade = fields.Selection(
        GRADES, string="Discipline Grade", compute="_compute_debt_score",
        search="_search_debt_grade",
    )

    @api.depends_context("company")
    def _compute_debt_score(self):
        scores = {
            rec.partner_id.id: rec
            for rec in self.env["debt.partner.score"].sudo().search([
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ])
        }
        for partner in self:
            rec = scores.get(partner.commercial_partner_id.id)
            partner.debt_score = rec.score if rec else 0
            partner.debt_grade = rec.grade if rec else False

    def _search_debt_grade(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            return NotImplemented
        values = [value] if isinstance(value, str) or value is False else list(value)
        partner_ids = self.env["debt.partner.score"].sudo().search([
            ("company_id", "=", self.env.company.id), ("grade", "in", values),
        ]).partner_id.ids
        positive = operator in ("=", "in")
        return [("commercial_partner_id", "in" if positive else "not in", partner_ids)]

    # ------------------------------------------------------------------
    # Collection cases
    # ------------------------------------------------------------------

    debt_case_ids = fields.One2many("debt.collection.case", "partner_id", string="Collection Cases")

    # ------------------------------------------------------------------
    # Penalty terms (per company)
    # ------------------------------------------------------------------

    debt_penalty_policy_id = fields.Many2one(
        "debt.penalty.policy",
        string="Penalty Policy",
        company_dependent=True,
        domain="[('company_id', 'in', [current_company_id, False])]",
        help="Penalty or interest charged on this customer's late payments. Empty: the "
        "company's default policy.",
    )
    debt_penalty_clause_signed = fields.Boolean(
        string="Penalty Clause Signed",
        company_dependent=True,
        help="The customer signed a written penalty clause (art. 331 of the Civil Code); "
        "required for a contractual penalty.",
    )
    debt_penalty_contract_ref = fields.Char(
        string="Penalty Clause Contract",
        company_dependent=True,
        help="Contract (number and date) that contains the signed penalty clause.",
    )

    debt_penalty_open_amount = fields.Monetary(
        string="Penalties to Invoice", compute="_compute_debt_penalty_open_amount",
        currency_field="currency_id", groups="auto_service_debt.group_debt_user",
    )

    def _compute_debt_penalty_open_amount(self):
        commercial = self.commercial_partner_id
        totals = self.env["account.move.line"]._debt_penalty_accrued_totals(commercial, self.env.company)
        for partner in self:
            partner.debt_penalty_open_amount = totals.get(partner.commercial_partner_id.id, 0.0)

    def action_debt_open_penalties(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("auto_service_debt.action_debt_penalty")
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {"search_default_to_invoice": 1}
        return action

    def _debt_raise_unsigned_clause(self, policy):
        raise ValidationError(self.env._(
            "%(partner)s has no signed penalty clause, so the contractual penalty policy "
            "%(policy)s cannot apply (art. 331 of the Civil Code requires it in writing). "
            "Tick 'Penalty Clause Signed' and enter the contract reference, or choose an "
            "art. 395 policy.",
            partner=self.display_name, policy=policy.display_name,
        ))

    @api.constrains("debt_penalty_policy_id", "debt_penalty_clause_signed", "debt_penalty_contract_ref")
    def _check_debt_penalty_clause(self):
        for partner in self:
            policy = partner.debt_penalty_policy_id
            if policy.kind != "contract":
                continue
            if not partner.debt_penalty_clause_signed:
                partner._debt_raise_unsigned_clause(policy)
            if not partner.debt_penalty_contract_ref:
                raise ValidationError(self.env._(
                    "%(partner)s: enter the reference of the contract with the signed "
                    "penalty clause to apply the policy %(policy)s.",
                    partner=partner.display_name, policy=policy.display_name,
                ))

    def _debt_effective_penalty_policy(self, company):
        """``{partner_id: policy}`` in ``company`` for commercial partners ``self``: their
        own policy, else the company default. A contractual policy without a signed
        clause (e.g. the flag was set for another company only) yields no policy.

        One narrow query for the company-dependent terms (no full partner records)."""
        if not self:
            return {}
        partners = self.with_company(company).sudo()
        fnames = ["debt_penalty_policy_id", "debt_penalty_clause_signed"]
        partners.flush_model(fnames)
        self.env.cr.execute(SQL(
            "SELECT rp.id, %s, %s FROM res_partner rp WHERE rp.id = ANY(%s)",
            *(partners._field_to_sql("rp", fname) for fname in fnames), self.ids,
        ))
        rows = self.env.cr.fetchall()
        default = company.debt_penalty_policy_id
        Policy = self.env["debt.penalty.policy"].with_context(active_test=False)
        # One recordset, so that the policies' fields are read together.
        policies = Policy.browse({policy_id for _pid, policy_id, _signed in rows if policy_id}) | default
        by_id = {policy.id: policy for policy in policies}
        result = {}
        for pid, policy_id, signed in rows:
            policy = by_id[policy_id] if policy_id else default
            if policy.kind == "contract" and not signed:
                policy = Policy
            result[pid] = policy
        return result

    # ------------------------------------------------------------------
    # Claim letters and statement
    # ------------------------------------------------------------------

    debt_kpp = fields.Char(
        string="KPP",
        help="Tax registration reason code (КПП) printed in claim letters next to the INN.",
    )
    debt_claim_ids = fields.One2many("debt.claim", "partner_id", string="Claim Letters")
    debt_claim_count = fields.Integer(compute="_compute_debt_claim_count", string="Claims")

    def _compute_debt_claim_count(self):
        groups = self.env["debt.claim"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.debt_claim_count = counts.get(partner.commercial_partner_id.id, 0)

    def _debt_open_case(self, company):
        return self.env["debt.collection.case"].search([
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", company.id),
            ("state", "=", "open"),
        ], limit=1)

    def action_debt_print_claim(self):
        """Print the claim of the customer's open collection case; without a case,
        reprint the last claim while the same items are overdue, else issue a new one."""
        self.ensure_one()
        company = self.env.company
        partner = self.commercial_partner_id
        case = partner._debt_open_case(company)
        if case:
            return case.action_debt_print_claim()
        Claim = self.env["debt.claim"]
        last = Claim.search([
            ("partner_id", "=", partner.id), ("company_id", "=", company.id),
            ("case_id", "=", False), ("state", "=", "issued"),
        ], limit=1)
        today = fields.Date.context_today(self)
        current = Claim._debt_claim_due_lines(partner, company, today)
        if not last or set(last.line_ids.move_line_id.ids) != set(current.ids):
            last = Claim._debt_issue(partner, company)
        return last.action_print()

    def action_debt_view_claims(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("auto_service_debt.action_debt_claim")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _debt_statement_period(self):
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(self.env.context.get("debt_statement_date_to")) or today
        date_from = fields.Date.to_date(self.env.context.get("debt_statement_date_from")) or (
            date_to - timedelta(days=STATEMENT_DAYS)
        )
        return date_from, date_to

    def _get_debt_statement_values(self, company=None, date_from=None, date_to=None):
        """Statement data per commercial partner: ``{partner_id: dict}``.

        Everything is as of ``date_to``: the movements dated up to it, and the open items
        with what was left of them on that date (a payment made later does not count yet).
        Hence ``opening + debit - credit = closing = open_total``. One grouped read for
        the opening balances, one search for the lines and one read of the payments
        matched after the date, whatever the number of partners."""
        company = company or self.env.company
        default_from, default_to = self._debt_statement_period()
        date_from, date_to = date_from or default_from, date_to or default_to
        partners = self.commercial_partner_id
        cur = company.currency_id
        Line = self.env["account.move.line"]
        base = self.env["debt.position"]._due_line_domain(company, partners, open_only=False)
        # read_group groups by partner_id (a contact may have booked the line): fold
        # the contacts into their commercial partner.
        opening = {}
        for partner, balance in Line._read_group(
            base + [("date", "<", date_from)], ["partner_id"], ["balance:sum"]
        ):
            cp = partner.commercial_partner_id.id
            opening[cp] = opening.get(cp, 0.0) + balance
        # the lines of the period, and the older ones still open on its last day
        lines = Line.search(
            base + [("date", "<=", date_to), "|", "|", "|", ("date", ">=", date_from),
                    ("reconciled", "=", False), ("matched_debit_ids.max_date", ">", date_to),
                    ("matched_credit_ids.max_date", ">", date_to)],
            order="date, move_name, id",
        )
        residual = self._debt_residuals_at(lines, date_to)
        requisites = partners._debt_requisites_values(company)
        result = {}
        for partner in partners:
            balance = cur.round(opening.get(partner.id, 0.0))
            values = {
                "partner": partner,
                "lang": partner.lang or "en_US",
                "currency": self.env["debt.claim"]._debt_currency_label(cur, partner.lang),
                "date_from": date_from,
                "date_to": date_to,
                "opening": balance,
                "movements": [],
                "open_items": [],
                "debit": 0.0,
                "credit": 0.0,
            }
            result[partner.id] = values
        for line in lines:
            values = result[line.partner_id.commercial_partner_id.id]
            if line.date >= date_from:
                debit, credit = cur.round(line.debit), cur.round(line.credit)
                running = cur.round(
                    (values["movements"][-1]["balance"] if values["movements"] else values["opening"])
                    + debit - credit
                )
                values["movements"].append({
                    "date": line.date,
                    "move_id": line.move_id.id,
                    "document_date": line.move_id.invoice_date or line.move_id.date,
                    "number": line.move_id.name,
                    "kind": self._debt_statement_kind(line),
                    "reference": line.move_id.ref or "",
                    "date_due": line.date_maturity if line.move_id.is_invoice(include_receipts=True) else False,
                    "debit": debit,
                    "credit": credit,
                    "balance": running,
                })
                values["debit"] = cur.round(values["debit"] + debit)
                values["credit"] = cur.round(values["credit"] + credit)
            left = cur.round(residual[line.id])
            if not cur.is_zero(left):
                due = line.date_maturity or line.date
                values["open_items"].append({
                    "date": line.move_id.invoice_date or line.date,
                    "number": line.move_id.name,
                    "kind": self._debt_statement_kind(line),
                    "date_due": due,
                    "amount": cur.round(line.balance),
                    "left": left,
                    "days_late": max((date_to - due).days, 0) if left > 0 else 0,
                })
        for values in result.values():
            values["closing"] = cur.round(values["opening"] + values["debit"] - values["credit"])
            open_items = values["open_items"]
            values["open_items"].sort(key=lambda item: (item["date_due"], item["number"]))
            values["open_total"] = cur.round(sum(i["left"] for i in open_items))
            values["overdue_total"] = cur.round(sum(i["left"] for i in open_items if i["days_late"] > 0))
            values["not_due_total"] = cur.round(values["open_total"] - values["overdue_total"])
            values["requisites"] = requisites[values["partner"].id]
        return result

    def _debt_requisites_values(self, company):
        """``{partner_id: {"company": ..., "customer": ...}}``: the requisites and
        signature blocks of ``company`` and of each of these commercial partners, as
        printed at the foot of the statement and of the reconciliation act. The
        company's own records (its partner, its bank account) are read as the company,
        whatever the printing user may read of them."""
        Claim = self.env["debt.claim"].sudo().with_company(company)
        company = company.sudo()
        own = dict(
            Claim._debt_party_values(company.partner_id),
            name=company.name,
            bank=Claim._debt_bank_values(company),
            signatory={
                "title": company.debt_claim_signatory_title or "",
                "name": company.debt_claim_signatory_name or "",
            },
        )
        return {
            partner.id: {
                "company": own,
                "customer": dict(
                    Claim._debt_party_values(partner), bank={}, signatory={"title": "", "name": ""},
                ),
            }
            for partner in self.sudo()
        }

    def _get_debt_reconciliation_act_values(self, company, date_from, date_to):
        """Reconciliation act data per commercial partner: ``{partner_id: dict}``.

        The movements of the statement (the receivable lines of the due-line definition,
        dated up to ``date_to``) folded into one row per document, so that
        ``opening + debit - credit = closing``; the balances are split into the debit
        side (the customer owes) and the credit side (the company owes)."""
        statements = self._get_debt_statement_values(company, date_from, date_to)
        cur = company.currency_id
        result = {}
        for partner_id, statement in statements.items():
            partner = statement["partner"]
            lang = statement["lang"]
            rows, by_move = [], {}
            for mv in statement["movements"]:
                row = by_move.get(mv["move_id"])
                if row is None:
                    row = by_move[mv["move_id"]] = {
                        "date": mv["date"],
                        "kind": mv["kind"],
                        "number": mv["number"],
                        "document_date": mv["document_date"],
                        "debit": 0.0,
                        "credit": 0.0,
                    }
                    rows.append(row)
                row["debit"] = cur.round(row["debit"] + mv["debit"])
                row["credit"] = cur.round(row["credit"] + mv["credit"])
            for row in rows:
                # a document whose lines net out (e.g. a debit and a credit line of one
                # entry) shows its net side only
                net = cur.round(row["debit"] - row["credit"])
                row["debit"], row["credit"] = (net, 0.0) if net >= 0 else (0.0, -net)
            debit = cur.round(sum(row["debit"] for row in rows))
            credit = cur.round(sum(row["credit"] for row in rows))
            opening = statement["opening"]
            closing = cur.round(opening + debit - credit)
            words = self.env["debt.claim"]._debt_amount_words(cur, abs(closing), lang)
            result[partner_id] = {
                "partner": partner,
                "company": company,
                "lang": lang,
                "currency": cur.name,
                "currency_label": self.env["debt.claim"]._debt_currency_label(cur, lang),
                "date_from": statement["date_from"],
                "date_to": statement["date_to"],
                "opening": opening,
                "opening_debit": opening if opening > 0 else 0.0,
                "opening_credit": -opening if opening < 0 else 0.0,
                "rows": rows,
                "debit": debit,
                "credit": credit,
                "closing": closing,
                "closing_amount": abs(closing),
                "closing_debit": closing if closing > 0 else 0.0,
                "closing_credit": -closing if closing < 0 else 0.0,
                "in_favour_of": "company" if closing > 0 else ("customer" if closing < 0 else False),
                "closing_words": words,
                "requisites": statement["requisites"],
                # the QR pays the debt in the company's favour the act states
                "payment": self.env["debt.claim"]._debt_bank_values(
                    company, closing,
                    partner.with_context(lang=lang).env._(
                        "Payment of the debt under the reconciliation act as of %(date)s",
                        date=format_date(partner.with_context(lang=lang).env, statement["date_to"])),
                    partner,
                ) if closing > 0 else {},
            }
        return result

    @api.model
    def _debt_residuals_at(self, lines, date_to):
        """``{line_id: residual}`` of journal items on ``date_to``: their balance less the
        matchings with items dated up to that day (company currency), one read."""
        residual = {line.id: line.balance for line in lines}
        if not lines:
            return residual
        partials = self.env["account.partial.reconcile"].search_read(
            ["|", ("debit_move_id", "in", lines.ids), ("credit_move_id", "in", lines.ids),
             ("max_date", "<=", date_to)],
            ["debit_move_id", "credit_move_id", "amount"],
        )
        for partial in partials:
            debit_id, credit_id = partial["debit_move_id"][0], partial["credit_move_id"][0]
            if debit_id in residual:
                residual[debit_id] -= partial["amount"]
            if credit_id in residual:
                residual[credit_id] += partial["amount"]
        return residual

    @api.model
    def _debt_statement_kind(self, line):
        move = line.move_id
        if move.move_type == "out_invoice":
            return "invoice"
        if move.move_type == "out_refund":
            return "credit_note"
        if move.origin_payment_id or move.statement_line_id:
            return "payment"
        return "entry"

    def action_debt_print_statement(self):
        return self.env.ref("auto_service_debt.action_report_customer_statement").report_action(
            self.commercial_partner_id
        )
