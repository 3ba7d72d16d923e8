"""Customer credit policy per company, the stored block flag and the live evaluation."""

import ast
import datetime

import babel.dates

from odoo import api, fields, models
from odoo.addons.base.models.res_lang import intersperse
from odoo.exceptions import AccessError
from odoo.tools.float_utils import float_round
from odoo.tools.misc import babel_locale_parse, format_date, get_lang, posix_to_ldml

from ..tools.debt_block import (
    DeferredAmount,
    evaluate_block,
    prepayment_applies,
    prepayment_required,
    resolve_deferred,
)


class ReasonFormatter:
    """``formatLang`` and ``format_date`` of one language and one currency, with the
    language data resolved once instead of at every call (the daily flags format
    thousands of texts). Same output as the Odoo helpers."""

    __slots__ = ("_date_format", "_dates", "_env", "_locale", "decimal_point", "digits",
                 "grouping", "position", "symbol", "thousands_sep")

    def __init__(self, env, currency):
        lang = get_lang(env)
        data = env["res.lang"]._get_data(id=lang.id)  # what res.lang.format reads
        self._env = env
        self.grouping = ast.literal_eval(data.grouping)
        self.thousands_sep = data.thousands_sep or ""
        self.decimal_point = data.decimal_point
        self.digits = currency.decimal_places
        self.symbol = currency.symbol
        self.position = currency.position
        self._locale = babel_locale_parse(lang.code)
        self._date_format = posix_to_ldml(lang.date_format, locale=self._locale)
        self._dates = {}

    def number(self, value, digits=2):
        """``formatLang(env, value, digits=digits)``."""
        if value == "":
            return ""
        rounded = float_round(value, precision_digits=digits, rounding_method="HALF-EVEN")
        parts = (f"%.{digits}f" % rounded).split(".")
        parts[0] = intersperse(parts[0], self.grouping, self.thousands_sep)[0]
        return self.decimal_point.join(parts)

    def money(self, value):
        """``formatLang(env, value, currency_obj=currency)``."""
        formatted = self.number(value, self.digits)
        if not self.symbol or value == "":
            return formatted
        if self.position == "after":
            return f"{formatted}\N{NO-BREAK SPACE}{self.symbol}"
        return f"{self.symbol}\N{NO-BREAK SPACE}{formatted}"

    def date(self, value):
        """``format_date(env, value)``."""
        if type(value) is not datetime.date:
            return format_date(self._env, value)
        text = self._dates.get(value)
        if text is None:
            text = self._dates[value] = babel.dates.format_date(
                value, format=self._date_format, locale=self._locale
            )
        return text


POLICY_FIELDS = {
    "debt_block_mode", "debt_block_reason", "debt_custom_terms", "debt_max_overdue_days",
    "debt_max_overdue_amount", "debt_prepayment_percent",
}


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
        if any(vals.get(name) not in (None, False, 0, 0.0, "", "auto") for vals in vals_list for name in POLICY_FIELDS):
            self._debt_check_policy_access()
        return super().create(vals_list)

    def write(self, vals):
        policy_change = POLICY_FIELDS & set(vals)
        if policy_change:
            self._debt_check_policy_access()
        res = super().write(vals)
        if policy_change or "credit_limit" in vals:
            # The flag follows a policy change at once, not at the next daily run.
            self.env["debt.partner.status"]._debt_refresh(self, self.env.company)
        return res

    def _debt_check_policy_access(self):
        if self.env.su or self.env.user.has_group("auto_service_debt.group_debt_manager"):
            return
        raise AccessError(self.env._(
            "Only a Debt Manager may change the credit policy of a customer (block mode, "
            "overdue limits, prepayment)."
        ))

    def _debt_block_policies(self, company):
        """Return ``{partner_id: policy}`` of these commercial partners in ``company``.

        The credit limit is core's company-dependent ``credit_limit``. It applies when
        it is positive and either the company enabled "Sales Credit Limit" (then the
        company default limit counts too) or the customer has a limit of its own.
        """
        partners = self.with_company(company).sudo()
        fallback_limit = partners._fields["credit_limit"].get_company_dependent_fallback(partners) or 0.0
        use_company_limit = company.account_use_credit_limit
        policies = {}
        for partner in partners:
            limit = partner.credit_limit or 0.0
            applies = limit > 0 and (use_company_limit or limit != fallback_limit)
            own = partner.debt_custom_terms
            policies[partner.id] = {
                "mode": partner.debt_block_mode or "auto",
                "block_reason": partner.debt_block_reason or "",
                "credit_limit": limit if applies else 0.0,
                "max_overdue_days": (
                    partner.debt_max_overdue_days if own else company.debt_max_overdue_days
                ),
                "max_overdue_amount": (
                    partner.debt_max_overdue_amount if own else company.debt_max_overdue_amount
                ),
                "prepayment_percent": (
                    partner.debt_prepayment_percent if own else company.debt_prepayment_percent
                ),
            }
        return policies

    @api.model
    def _debt_extra_block_reasons(self, partners, company):
        """Hook for other features (a defaulted installment plan...): return
        ``{commercial_partner_id: [reason text]}`` of the partners to block."""
        return {}

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------

    @api.model
    def _debt_evaluate(self, company, entries, today=None, lazy_paid=False):
        """Evaluate the block rules for ``entries`` = ``[(partner, amount, paid)]`` in
        ``company`` (``amount`` the new work in company currency, ``paid`` the
        prepayment already paid, a ``DeferredAmount`` of it, or ``None``). Return one
        dict per entry with ``partner_id``, ``position``, ``policy``, ``reasons`` (codes
        and figures), ``messages`` (texts) and ``prepayment_required``.

        Deferred amounts are fetched in one batch; with ``lazy_paid`` only those of
        entries whose policy asks a prepayment (the others get 0.0: the amount paid
        cannot change their evaluation).

        A constant number of queries, whatever the number of partners or invoices.
        """
        partners = self.browse({partner.commercial_partner_id.id for partner, _a, _p in entries})
        positions = self.env["debt.position"]._get_positions(partners, company, today)
        policies = partners._debt_block_policies(company)
        # Hooks read other features' records; the evaluation must not depend on the
        # rights of whoever confirms the order.
        extra = self.sudo()._debt_extra_block_reasons(partners.sudo(), company) or {}
        digits = company.currency_id.decimal_places
        pids = [partner.commercial_partner_id.id for partner, _a, _p in entries]
        paids = [paid for _partner, _a, paid in entries]
        if any(isinstance(paid, DeferredAmount) for paid in paids):
            paids = resolve_deferred(paids, [
                not lazy_paid or prepayment_applies(policies[pid], amount)
                for pid, (_partner, amount, _p) in zip(pids, entries, strict=True)
            ])
        formatter = None  # built once per batch, only when a text is needed
        results = []
        for pid, (_partner, amount, _p), paid in zip(pids, entries, paids, strict=True):
            position, policy = positions[pid], policies[pid]
            reasons = evaluate_block(position, policy, amount, paid, extra.get(pid, ()), digits)
            if reasons:
                if formatter is None:
                    formatter = self._debt_reason_formatter(company)
                messages = self._debt_reason_messages(reasons, company, formatter)
            else:
                messages = []
            results.append({
                "partner_id": pid,
                "position": position,
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
                messages.append(self.env._(
                    "Blocked manually: %(reason)s", reason=val["reason"] or self.env._("no reason given"),
                ))
            elif code == "credit_limit":
                messages.append(self.env._(
                    "Credit limit exceeded: owed %(exposure)s + this order %(amount)s = %(total)s, "
                    "limit %(limit)s (over by %(excess)s).",
                    exposure=money(val["exposure"]), amount=money(val["amount"]),
                    total=money(val["total"]), limit=money(val["limit"]), excess=money(val["excess"]),
                ))
            elif code == "overdue_days":
                messages.append(self.env._(
                    "Overdue for %(days)s days (oldest due date %(date)s), %(allowed)s days allowed; "
                    "overdue amount %(overdue)s.",
                    days=val["days"], date=fmt.date(val["oldest_due_date"]),
                    allowed=val["max_days"], overdue=money(val["overdue_amount"]),
                ))
            elif code == "overdue_amount":
                messages.append(self.env._(
                    "Overdue amount %(overdue)s exceeds the allowed %(allowed)s.",
                    overdue=money(val["overdue_amount"]), allowed=money(val["max_amount"]),
                ))
            elif code == "prepayment":
                messages.append(self.env._(
                    "Prepayment missing: %(percent)s%% of the order (%(required)s) must be paid "
                    "before confirmation; paid %(paid)s, missing %(missing)s.",
                    percent=fmt.number(val["percent"], 0 if val["percent"] == int(val["percent"]) else 2),
                    required=money(val["required"]), paid=money(val["paid"]),
                    missing=money(val["missing"]),
                ))
            else:
                messages.append(val["text"])
        return messages

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
