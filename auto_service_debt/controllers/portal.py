"""The customer's portal page "My debt" (``/my/debt``), its entry on ``/my`` and the
documents it offers: the claims issued to the customer and the reconciliation act of each
company. Everything is read with sudo and filtered by the logged-in user's commercial
partner: another customer's document is a 404."""

import werkzeug

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import content_disposition, request

from ..models.debt_portal import PORTAL_CLAIM_STATES

CLAIM_REPORT = "auto_service_debt.action_report_claim_letter"
ACT_REPORT = "auto_service_debt.action_report_reconciliation_act"


class DebtCustomerPortal(CustomerPortal):

    @staticmethod
    def _debt_customer():
        return request.env.user.partner_id.commercial_partner_id

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "debt_count" in counters:
            values["debt_count"] = request.env["debt.portal"].sudo()._debt_count(self._debt_customer())
        return values

    @http.route("/my/debt", type="http", auth="user", website=True, sitemap=False)
    def portal_my_debt(self, **kwargs):
        partner = self._debt_customer()
        today = fields.Date.context_today(request.env.user)
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "debt",
            "today": today,
            "blocks": request.env["debt.portal"].sudo()._debt_page_values(partner, today),
        })
        return request.render("auto_service_debt.portal_my_debt", values)

    @staticmethod
    def _debt_pdf_response(report_ref, res_ids, filename):
        """The report as a download (HTML where Odoo's test mode renders no PDF)."""
        content, kind = request.env["ir.actions.report"].sudo()._render_qweb_pdf(report_ref, res_ids)
        mimetype = "application/pdf" if kind == "pdf" else "text/html; charset=utf-8"
        return request.make_response(content, headers=[
            ("Content-Type", mimetype),
            ("Content-Length", len(content)),
            ("Content-Disposition", content_disposition(f"{filename}.pdf")),
        ])

    @http.route("/my/debt/claim/<int:claim_id>/pdf", type="http", auth="user", website=True,
                sitemap=False)
    def portal_my_debt_claim(self, claim_id, **kwargs):
        claim = request.env["debt.claim"].sudo().browse(claim_id).exists()
        if (not claim or claim.state not in PORTAL_CLAIM_STATES
                or claim.partner_id.commercial_partner_id != self._debt_customer()):
            raise werkzeug.exceptions.NotFound()
        return self._debt_pdf_response(CLAIM_REPORT, claim.ids, claim.name.replace("/", "-"))

    @http.route("/my/debt/act/<int:company_id>/pdf", type="http", auth="user", website=True,
                sitemap=False)
    def portal_my_debt_act(self, company_id, **kwargs):
        """The reconciliation act with the company from 1 January to today."""
        partner = self._debt_customer()
        company = request.env["res.company"].sudo().browse(company_id).exists()
        if not company or company not in request.env["debt.portal"].sudo()._debt_companies(partner):
            raise werkzeug.exceptions.NotFound()
        today = fields.Date.context_today(request.env.user)
        wizard = request.env["debt.reconciliation.act.wizard"].sudo().with_company(company).create({
            "partner_id": partner.id,
            "company_id": company.id,
            "date_from": today.replace(month=1, day=1),
            "date_to": today,
        })
        return self._debt_pdf_response(ACT_REPORT, wizard.ids, f"{company.name} {fields.Date.to_string(today)}")
