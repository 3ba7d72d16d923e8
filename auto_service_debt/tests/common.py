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


# How a shop sets up its staff (none of them an Odoo administrator, none with an e-mail
# address of their own, all working in Russian): the groups of each role, with the
# "Contact Creation" right Odoo gives every new internal user by default.
SHOP_ROLES = {
    "advisor": (
        "base.group_user,base.group_partner_manager,sales_team.group_sale_salesman,"
        "auto_service_debt.group_debt_user"
    ),
    "bookkeeper": (
        "base.group_user,base.group_partner_manager,account.group_account_invoice,"
        "sales_team.group_sale_salesman,auto_service_debt.group_debt_collector"
    ),
    "owner": (
        "base.group_user,base.group_partner_manager,account.group_account_manager,"
        "sales_team.group_sale_manager,auto_service_debt.group_debt_manager"
    ),
}


def shop_user(env, role, login=None, company=None, lang="ru_RU"):
    """A user configured like the shop's ``role`` (see ``SHOP_ROLES``): not an
    administrator, no e-mail address, Russian interface. The password is the login."""
    from odoo.tests import new_test_user

    company = company or env.company
    login = login or f"shop_{role}"
    if lang and not env["res.lang"]._lang_get(lang):
        env["res.lang"]._activate_lang(lang)
    return new_test_user(
        env, login, password=login, groups=SHOP_ROLES[role], name=f"Shop {role.title()}",
        email=False, lang=lang, tz="Europe/Moscow", company_id=company.id,
        company_ids=[(6, 0, company.ids)], context={"no_reset_password": True},
    )
