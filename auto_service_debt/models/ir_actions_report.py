"""Reports: an issued claim letter is rendered with the company's rights and kept."""

from odoo import models

CLAIM_REPORT = "auto_service_debt.report_claim_letter"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """The claim letter is the same document whoever prints it: a user who may read
        the claims renders (and keeps, on the first print) their PDF with the rights of
        the claims' companies, not with their own sales rules."""
        report = self._get_report(report_ref)
        if report.report_name == CLAIM_REPORT and res_ids:
            ids = [res_ids] if isinstance(res_ids, int) else list(res_ids)
            claims = self.env["debt.claim"].browse(ids)
            claims.check_access("read")
            companies = claims.sudo().company_id
            return super(IrActionsReport, self.sudo().with_context(
                allowed_company_ids=companies.ids,
            ))._render_qweb_pdf(report_ref, ids, data=data)
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
