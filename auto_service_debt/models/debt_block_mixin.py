"""Debt banner figures and the service-block check shared by partners, orders and invoices."""

import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError

BANNER_GROUPS = "auto_service_debt.group_debt_user"

# Key, in the cursor's cache, of the documents whose block check has run in this
# transaction: their confirmation writes its state without a second check, a direct write
# of the confirmed state (RPC, import) of any other document is checked.
BLOCK_CHECKED = "auto_service_debt.block_checked"


class DebtBlockMixin(models.AbstractModel):
    """Non-stored banner fields computed in batch from the debt position.

    Models define ``_debt_banner_items()`` returning, per record, the customer,
    the company, the amount of the new work and the prepayment already paid
    (``None`` when prepayment does not apply).
    """

    _name = "debt.block.mixin"
    _description = "Debt Block Banner"

    debt_currency_id = fields.Many2one(
        "res.currency", string="Debt Currency", compute="_compute_debt_banner", groups=BANNER_GROUPS
    )
    debt_show_banner = fields.Boolean(compute="_compute_debt_banner", groups=BANNER_GROUPS)
    debt_owed = fields.Monetary(
        string="Owed", currency_field="debt_currency_id", compute="_compute_debt_banner",
        groups=BANNER_GROUPS,
        help="Open receivable plus confirmed orders not yet invoiced (company currency).",
    )
    debt_overdue = fields.Monetary(
        string="Overdue", currency_field="debt_currency_id", compute="_compute_debt_banner",
        groups=BANNER_GROUPS,
    )
    debt_overdue_days = fields.Integer(
        string="Days Overdue", compute="_compute_debt_banner", groups=BANNER_GROUPS,
        help="Age of the oldest overdue due line.",
    )
    debt_limit = fields.Monetary(
        string="Credit Limit Applied", currency_field="debt_currency_id",
        compute="_compute_debt_banner", groups=BANNER_GROUPS,
        help="0 when no credit limit applies to this customer.",
    )
    debt_limit_remaining = fields.Monetary(
        string="Remaining Credit", currency_field="debt_currency_id",
        compute="_compute_debt_banner", groups=BANNER_GROUPS,
    )
    debt_prepay_percent = fields.Float(
        string="Required Prepayment (%)", compute="_compute_debt_banner", groups=BANNER_GROUPS
    )
    debt_prepay_required = fields.Monetary(
        string="Prepayment Required", currency_field="debt_currency_id",
        compute="_compute_debt_banner", groups=BANNER_GROUPS,
    )
    debt_prepay_paid = fields.Monetary(
        string="Prepayment Paid", currency_field="debt_currency_id",
        compute="_compute_debt_banner", groups=BANNER_GROUPS,
    )
    debt_block_state = fields.Selection(
        [("ok", "Not blocked"), ("blocked", "Blocked"), ("trusted", "Never blocked")],
        string="Block State", compute="_compute_debt_banner", groups=BANNER_GROUPS,
    )
    debt_block_info = fields.Text(
        string="Block Reasons", compute="_compute_debt_banner", groups=BANNER_GROUPS
    )
    debt_chain_info = fields.Text(
        string="Elsewhere in the Chain", compute="_compute_debt_banner", groups=BANNER_GROUPS,
        help="What the customer owes and how late in the other shops of the chain: per shop "
        "for the shops you work in, else the totals only.",
    )

    def _debt_banner_items(self):
        """Return ``{record: (partner, company, amount, prepayment_paid)}`` for the
        records that show a banner; others get empty figures."""
        return {}

    # the companies the user may see decide what the chain line shows; texts are translated
    @api.depends_context("company", "uid", "lang")
    def _compute_debt_banner(self):
        items = self._debt_banner_items()
        by_company = defaultdict(list)
        for record, (partner, company, amount, paid) in items.items():
            by_company[company].append((record, partner, amount, paid))
        for record in self:
            record.update({
                "debt_currency_id": (record.env.company.currency_id.id),
                "debt_show_banner": False, "debt_owed": 0.0, "debt_overdue": 0.0,
                "debt_overdue_days": 0, "debt_limit": 0.0, "debt_limit_remaining": 0.0,
                "debt_prepay_percent": 0.0, "debt_prepay_required": 0.0, "debt_prepay_paid": 0.0,
                "debt_block_state": "ok", "debt_block_info": False, "debt_chain_info": False,
            })
        Partner = self.env["res.partner"]
        for company, rows in by_company.items():
            evaluations = Partner._debt_evaluate(
                company, [(partner, amount, paid) for _rec, partner, amount, paid in rows]
            )
            formatter = Partner._debt_reason_formatter(company)
            for (record, _partner, _amount, _paid), ev in zip(rows, evaluations, strict=False):
                pos, policy = ev["position"], ev["policy"]
                limit = policy["credit_limit"]
                required = ev["prepayment_required"]
                chain = Partner._debt_chain_texts(company, ev["chain"], formatter)
                record.update({
                    "debt_currency_id": company.currency_id.id,
                    "debt_show_banner": bool(
                        pos["exposure"] or pos["overdue_amount"] or ev["reasons"] or required or chain
                    ),
                    "debt_owed": pos["exposure"],
                    "debt_overdue": pos["overdue_amount"],
                    "debt_overdue_days": pos["overdue_days"],
                    "debt_limit": limit,
                    "debt_limit_remaining": (
                        company.currency_id.round(limit - pos["blocking_exposure"]) if limit else 0.0
                    ),
                    "debt_prepay_percent": policy["prepayment_percent"] if policy["mode"] != "never" else 0.0,
                    "debt_prepay_required": required,
                    "debt_prepay_paid": ev["paid"] or 0.0,
                    "debt_block_state": (
                        "trusted" if policy["mode"] == "never"
                        else "blocked" if ev["reasons"] else "ok"
                    ),
                    "debt_block_info": "\n".join(ev["messages"]) or False,
                    "debt_chain_info": "\n".join(chain) or False,
                })

    # ------------------------------------------------------------------
    # The live check at confirmation
    # ------------------------------------------------------------------

    def _debt_block_items(self):
        """Return ``{record: (partner, company, amount, prepayment_paid)}`` of the
        records whose confirmation commits new work and must be checked."""
        return {}

    def _debt_block_enabled(self, company):
        return True

    def _debt_overridden(self):
        """The records of ``self`` covered by a manager's override made for them in
        this very transaction. A forged context key alone is never enough: the
        override must exist, name this document, be made by the current user who
        must be a Debt Manager, and be created in the current transaction."""
        override_id = self.env.context.get("debt_block_override_id")
        if not override_id:
            return self.browse()
        try:
            override_id = int(override_id)
        except (TypeError, ValueError):
            return self.browse()
        override = self.env["debt.block.override"].sudo().browse(override_id).exists()
        if (
            not override
            or override.res_model != self._name
            or override.user_id != self.env.user
            or override.create_date != self.env.cr.now()
            or not self.env.user.has_group("auto_service_debt.group_debt_manager")
        ):
            return self.browse()
        return self.filtered(lambda rec: rec.id == override.res_id)

    def _debt_evaluate_documents(self, lazy_paid=False):
        """Live evaluation of the documents to confirm: ``[(record, evaluation)]``.
        A constant number of queries per company, whatever the customer's history.
        ``lazy_paid``: fetch the prepayment paid only where a prepayment is required
        (the check; the figures shown or logged get it always)."""
        items = self._debt_block_items()
        by_company = defaultdict(list)
        for record, (partner, company, amount, paid) in items.items():
            if self._debt_block_enabled(company):
                by_company[company].append((record, partner, amount, paid))
        result = []
        Partner = self.env["res.partner"]
        for company, rows in by_company.items():
            evaluations = Partner._debt_evaluate(
                company, [(partner, amount, paid) for _rec, partner, amount, paid in rows],
                lazy_paid=lazy_paid,
            )
            result.extend((row[0], ev) for row, ev in zip(rows, evaluations, strict=False))
        return result

    def _debt_mark_checked(self):
        cr = self.env.cr
        cache = cr.cache
        if BLOCK_CHECKED not in cache:
            cache[BLOCK_CHECKED] = set()

            def forget():
                # the dict itself: a closing cursor drops its cache before its callbacks
                cache.pop(BLOCK_CHECKED, None)
            cr.postcommit.add(forget)
            cr.postrollback.add(forget)
        cache[BLOCK_CHECKED].update((self._name, rid) for rid in self.ids)

    def _debt_unchecked(self):
        """The documents of ``self`` whose block check has not run in this transaction."""
        checked = self.env.cr.cache.get(BLOCK_CHECKED, ())
        return self.filtered(lambda rec: (self._name, rec.id) not in checked)

    def _debt_check_block(self):
        """Raise a UserError (a RedirectWarning to the override wizard for a manager)
        when one of these documents belongs to a blocked customer."""
        overridden = self._debt_overridden()
        blocked = [
            (record, ev) for record, ev in self._debt_evaluate_documents(lazy_paid=True)
            if ev["reasons"] and record not in overridden
        ]
        if blocked:
            raise self._debt_block_exception(blocked)
        self._debt_mark_checked()
        return True

    def _debt_block_exception(self, blocked):
        parts = []
        for record, ev in blocked:
            partner = self.env["res.partner"].browse(ev["partner_id"])
            parts.append(
                self.env._(
                    "%(document)s cannot be confirmed: the customer %(partner)s is blocked.",
                    document=record.display_name, partner=partner.display_name,
                )
                + "\n"
                + "\n".join("• " + msg for msg in ev["messages"])
            )
            # what the customer owes elsewhere in the chain, as this user may see it
            chain = self.env["res.partner"]._debt_chain_texts(ev["company"], ev["chain"])
            if chain:
                parts[-1] += "\n" + "\n".join(chain)
        is_manager = self.env.user.has_group("auto_service_debt.group_debt_manager")
        if is_manager and len(blocked) == 1:
            record = blocked[0][0]
            message = parts[0] + "\n\n" + self.env._(
                "Register the missing payment, or override the block for this one document "
                "with a reason that will be logged."
            )
            redirect = RedirectWarning(
                message, record._debt_override_wizard_action(), self.env._("Override Block")
            )
            # A block is business as usual, not a server error: logged like a UserError
            # (one line, no traceback) by Odoo's request handler.
            redirect.loglevel = logging.WARNING
            return redirect
        hint = self.env._(
            "Register the missing payment, or ask a Debt Manager to override the block "
            "for this document."
        )
        return UserError("\n\n".join(parts) + "\n\n" + hint)

    def _debt_override_wizard_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Service Block"),
            "res_model": "debt.block.override.wizard",
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "debt_override_start": bool(self.env.context.get("debt_override_start")),
            },
        }

    def action_debt_override_block(self):
        """Header button of a blocked document: open the override wizard."""
        return self._debt_override_wizard_action()
