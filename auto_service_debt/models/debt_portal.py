"""The customer's portal page "My debt" (``/my/debt``): what a customer owes to each
company of the database it deals with, read with the addon's own readers (the open due
lines of ``debt.position``, their penalties, the plans, the claims) and always filtered by
the customer's commercial partner."""

from datetime import date
from urllib.parse import urlsplit

from odoo import api, models
from odoo.tools import SQL, format_date

from .debt_position import DUE_LINES_FROM, due_lines_where, is_overdue

#: States of a plan whose schedule the customer still pays.
PORTAL_PLAN_STATES = ("active", "defaulted")
#: States of a claim the customer may download.
PORTAL_CLAIM_STATES = ("issued", "replaced")


def _local_url(url):
    """The path and query of an absolute link of the addon: the page links stay on the
    host the customer is browsing."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


class DebtPortal(models.AbstractModel):
    """Readers of the customer portal page; called with sudo by the portal controller,
    for one commercial partner at a time."""

    _name = "debt.portal"
    _description = "Debt Control: customer portal"

    @api.model
    def _debt_open_line_counts(self, partner):
        """``{company_id: number of open due lines}`` of the commercial partner
        ``partner`` in every company, in one query (the condition of
        :func:`~.debt_position.due_lines_where`)."""
        self.env["account.move.line"].flush_model(
            ["amount_residual", "reconciled", "parent_state", "partner_id", "account_id", "company_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["account.account"].flush_model(["account_type"])
        self.env.cr.execute(SQL(
            """
            SELECT aml.company_id, COUNT(*)
              FROM %s
             WHERE %s AND aml.amount_residual > 0
          GROUP BY aml.company_id
            """,
            DUE_LINES_FROM, due_lines_where(None, [partner.id]),
        ))
        return dict(self.env.cr.fetchall())

    @api.model
    def _debt_plans(self, partner):
        return self.env["debt.installment.plan"].sudo().search([
            ("partner_id.commercial_partner_id", "=", partner.id), ("state", "in", PORTAL_PLAN_STATES),
        ], order="company_id, date, id")

    @api.model
    def _debt_claims(self, partner, states=("issued",)):
        return self.env["debt.claim"].sudo().search([
            ("partner_id.commercial_partner_id", "=", partner.id), ("state", "in", list(states)),
        ], order="company_id, date desc, id desc")

    @api.model
    def _debt_companies(self, partner, counts=None, plans=None, claims=None):
        """The companies ``partner`` (a commercial partner) has business with on the
        page: open items, a plan it pays or an issued claim there."""
        counts = self._debt_open_line_counts(partner) if counts is None else counts
        plans = self._debt_plans(partner) if plans is None else plans
        claims = self._debt_claims(partner) if claims is None else claims
        ids = set(counts) | set(plans.company_id.ids) | set(claims.company_id.ids)
        return self.env["res.company"].sudo().browse(sorted(ids))

    @api.model
    def _debt_count(self, partner):
        """The counter of the portal's home page: open items and issued claims."""
        return sum(self._debt_open_line_counts(partner).values()) + len(self._debt_claims(partner))

    @api.model
    def _debt_page_values(self, partner, today):
        """One block per company ``partner`` (a commercial partner) deals with: its open
        items with days late and penalties, the schedules of its plans, its issued
        claims, the totals, the pay-now links and the payment QR codes."""
        counts = self._debt_open_line_counts(partner)
        plans = self._debt_plans(partner)
        claims = self._debt_claims(partner)
        companies = self._debt_companies(partner, counts, plans, claims)
        Position = self.env["debt.position"].sudo()
        lines_by_company = {
            company: Position._debt_due_lines([partner.id], company, today).get(partner.id, [])
            if company.id in counts else []
            for company in companies
        }
        # the penalties of every company's lines at once
        self.env["debt.collection.case"].sudo()._debt_add_penalties(
            {company.id: lines for company, lines in lines_by_company.items()}
        )
        moves = self.env["account.move"].sudo().browse(
            {line["move_id"] for lines in lines_by_company.values() for line in lines}
        )
        move_by_id = {move.id: move for move in moves}  # (records that prefetch together)
        cases = self.env["debt.collection.case"].sudo().search([
            ("partner_id.commercial_partner_id", "=", partner.id), ("state", "=", "open"),
            ("company_id", "in", companies.ids),
        ])
        case_by_company = {case.company_id: case for case in cases}
        Claim = self.env["debt.claim"].sudo()
        payer_env = partner.with_context(lang=partner.lang or self.env.lang).env
        blocks = []
        for company in companies:
            currency = company.currency_id
            lines = lines_by_company[company]
            for line in lines:
                move = move_by_id[line["move_id"]]
                line["overdue"] = is_overdue(line, today)
                line["url"] = move.get_portal_url() if move.is_invoice(include_receipts=True) else False
            overdue = currency.round(sum(line["residual"] for line in lines if line["overdue"]))
            case = case_by_company.get(company)
            purpose = payer_env._("Payment of the overdue debt as of %(date)s",
                                  date=format_date(payer_env, today))
            blocks.append({
                "company": company,
                "currency": currency,
                "lines": lines,
                "residual": currency.round(sum(line["residual"] for line in lines)),
                "overdue": overdue,
                "penalty": currency.round(sum(line["penalty"] for line in lines)),
                "pay_all_url": _local_url(case._debt_pay_url()) if case and overdue > 0 else False,
                "payment": Claim._debt_bank_values(company, overdue, purpose, partner) if overdue > 0 else {},
                "plans": [
                    self._debt_plan_values(plan, today, payer_env)
                    for plan in plans.filtered(lambda p, company=company: p.company_id == company)
                ],
                "claims": claims.filtered(lambda c, company=company: c.company_id == company),
                "act_url": f"/my/debt/act/{company.id}/pdf",
                "act_from": date(today.year, 1, 1),
            })
        return blocks

    @api.model
    def _debt_plan_values(self, plan, today, payer_env):
        """A plan's schedule: each installment with what is paid and left, its pay-now
        link and QR code while something is left; the next installment to pay."""
        company, partner = plan.company_id, plan.partner_id
        ordered = plan.line_ids.sorted(lambda line: (line.due_date, line.sequence, line.id))
        installments = []
        for number, line in enumerate(ordered, start=1):
            left = line.left_amount > 0
            purpose = payer_env._("Installment %(number)s under agreement %(plan)s",
                                  number=number, plan=plan.name)
            installments.append({
                "line": line,
                "number": number,
                "late": line.due_date < today and left,
                "pay_url": _local_url(line._debt_pay_url()) if left else False,
                "payment": self.env["debt.claim"]._debt_bank_values(
                    company, line.left_amount, purpose, partner) if left else {},
            })
        upcoming = [item for item in installments if item["line"].left_amount > 0]
        return {
            "plan": plan,
            "installments": installments,
            "next": upcoming[0] if upcoming else False,
        }
