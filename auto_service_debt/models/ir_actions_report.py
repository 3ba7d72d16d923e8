"""Reports of the addon: an issued claim letter is rendered with the company's rights and
kept; every document carries its page numbers."""

import functools
import io
import subprocess

from odoo import models
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

CLAIM_REPORT = "auto_service_debt.report_claim_letter"
PREFIX = "auto_service_debt."
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@functools.cache
def _footer_supported():
    """Whether wkhtmltopdf prints the layout's footer (and its page numbers): only a build
    with patched Qt renders header and footer pages."""
    try:
        out = subprocess.run(
            [_wkhtmltopdf_bin(), "--version"], capture_output=True, text=True, timeout=10, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "patched qt" in out.lower()


def _wkhtmltopdf_bin():
    from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin  # noqa: PLC0415

    return _get_wkhtmltopdf_bin()


def _number_pages(stream, label):
    """``stream`` (a PDF) with «``label``» (page, pages) stamped at the foot of each page."""
    from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415
    from reportlab.pdfbase.ttfonts import TTFont  # noqa: PLC0415
    from reportlab.pdfgen import canvas  # noqa: PLC0415

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", FONT_FILE))
    reader = PdfFileReader(stream, strict=False)
    count = len(reader.pages)
    writer = PdfFileWriter()
    for index in range(count):
        page = reader.pages[index]
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        overlay = io.BytesIO()
        pen = canvas.Canvas(overlay, pagesize=(width, height), initialFontName="DejaVuSans")
        pen.setFont("DejaVuSans", 8)
        pen.setFillGray(0.4)
        pen.drawCentredString(width / 2, 22, label(index + 1, count))
        pen.save()
        overlay.seek(0)
        page.merge_page(PdfFileReader(overlay).pages[0])
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    out.seek(0)
    return out


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

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Page numbers on the addon's documents where wkhtmltopdf cannot print the
        layout's footer (a build without patched Qt): stamped on each freshly rendered
        document, before it is kept as an attachment."""
        streams = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        report = self._get_report(report_ref)
        if not report.report_name.startswith(PREFIX) or _footer_supported():
            return streams
        records = self.env[report.model].browse([key for key in streams if key])
        langs = {}
        for record in records:
            partner = record.partner_id if "partner_id" in record._fields else record
            langs[record.id] = (partner.lang if partner._name == "res.partner" else None) or self.env.lang
        for key, value in streams.items():
            if value.get("attachment") or not value.get("stream"):
                continue
            env = self.env(context=dict(self.env.context, lang=langs.get(key) or self.env.lang))
            value["stream"] = _number_pages(
                value["stream"],
                lambda page, pages, env=env: env._("Page %(page)s of %(pages)s", page=page, pages=pages),
            )
        return streams
