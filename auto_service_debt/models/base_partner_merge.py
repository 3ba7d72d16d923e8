"""Odoo's merge of duplicate contacts keeps the debt state of both customers."""

from odoo import fields, models

from .debt_collection_case import CLOSE_TOKEN
from .res_partner import MERGE_TOKEN


class MergePartnerAutomatic(models.TransientModel):
    """The kept customer carries the debts, cases, plans and penalties of the merged
    ones (Odoo moves every reference to the kept contact); the addon only settles what
    may exist once per customer and company (the open collection case, the stored flag,
    the score) and refreshes the kept customer's figures."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        kept_before = dst_partner
        res = super(
            MergePartnerAutomatic, self.with_context(debt_partner_merge=MERGE_TOKEN)
        )._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        kept = (kept_before or partners).exists()
        if len(kept) == 1:
            self._debt_after_merge(kept)
        return res

    def _update_foreign_keys(self, src_partners, dst_partner):
        # One open case per customer and company: Odoo's merge would delete the open
        # cases of the merged contacts on that unique key. Keep the most advanced open
        # case of each company open and close the others as merged first (they move to
        # the kept customer with their history, promises and contacts).
        self._debt_merge_open_cases(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)

    def _update_values(self, src_partners, dst_partner):
        # The values of the merged customers, not a decision of the user who merges.
        return super(
            MergePartnerAutomatic, self.with_context(debt_partner_merge=MERGE_TOKEN)
        )._update_values(src_partners, dst_partner)

    def _debt_merge_open_cases(self, src_partners, dst_partner):
        partners = (src_partners | dst_partner).commercial_partner_id | src_partners | dst_partner
        Case = self.env["debt.collection.case"].sudo()
        cases = Case.search([("partner_id", "in", partners.ids), ("state", "=", "open")])
        today = fields.Date.context_today(self)
        for company in cases.company_id:
            company_cases = cases.filtered(lambda c, co=company: c.company_id == co)
            if len(company_cases) < 2:
                continue
            kept = company_cases.sorted(
                lambda c: (c.stage_id.sequence or 0, c.overdue_days, c.partner_id == dst_partner),
                reverse=True,
            )[0]
            merged = company_cases - kept
            merged.with_context(debt_case_close=CLOSE_TOKEN).write({
                "state": "closed", "close_reason": "merged", "close_date": today,
                "block_service": False,
            })
            for case in merged:
                case._message_log(body=self.env._(
                    "Case closed: %(partner)s was merged into %(kept)s, whose case %(case)s "
                    "goes on.", partner=case.partner_id.display_name,
                    kept=dst_partner.display_name, case=kept.name,
                ))

    def _debt_after_merge(self, partner):
        """Refresh what is derived from the kept customer's debt, in every company."""
        partner = partner.commercial_partner_id
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].sudo().search([])
        Status = self.env["debt.partner.status"].sudo()
        Score = self.env["debt.partner.score"].sudo()
        Case = self.env["debt.collection.case"].sudo()
        Status._debt_mark(partner, companies)
        for company in companies:
            Score.with_company(company)._debt_daily_score(partner, company, today)
        Case.search([("partner_id", "=", partner.id), ("state", "=", "open")]).action_refresh()
