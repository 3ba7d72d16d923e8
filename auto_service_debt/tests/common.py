"""Helpers shared by the tests of printed documents."""

import re
import subprocess

# A local port where nothing listens: wkhtmltopdf then renders without fetching the
# stylesheets of whatever Odoo server may run on this machine, so the text layer of the
# PDF is the same everywhere (the tests read the text, not the look).
UNSTYLED_REPORT_URL = "http://127.0.0.1:9"


def render_pdf_text(env, report_ref, res_ids, layout=False):
    """Render ``report_ref`` for ``res_ids`` through wkhtmltopdf and return its text.

    No-break spaces (the Russian thousands separator) become spaces. Without ``layout``
    the text is one line of words separated by single spaces."""
    env["ir.config_parameter"].sudo().set_param("report.url", UNSTYLED_REPORT_URL)
    pdf, kind = env["ir.actions.report"].with_context(
        force_report_rendering=True
    )._render_qweb_pdf(report_ref, res_ids)
    if kind != "pdf" or not pdf.startswith(b"%PDF"):
        raise AssertionError(f"{report_ref} did not render a PDF ({kind})")
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + ["-", "-"]
    text = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()
    if layout:
        return re.sub(r"[ \u00a0\u202f]+", " ", text)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
