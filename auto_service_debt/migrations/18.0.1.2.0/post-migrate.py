"""18.0.1.2.0: how to pay in the dunning e-mails of an existing database.

The shipped e-mail templates are data that users may have edited (noupdate): the block
with the pay-now links, the early-payment discount and the payment QR code is called from
each of them, in every language, after the penalties paragraph (or at the end of the body
when that paragraph was removed); a body that already calls it is left alone."""

import re

from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api

TEMPLATES = (
    "mail_template_debt_upcoming",
    "mail_template_debt_reminder",
    "mail_template_debt_second_reminder",
    "mail_template_debt_final_notice",
    "mail_template_debt_legal_reminder",
    "mail_template_debt_installment_late",
)
CALL = '<t t-call="auto_service_debt.debt_mail_payment_block"/>'
PENALTIES = re.compile(r"(<p t-if=\"data\.get\('penalty_total'\)\"[^>]*>.*?</p>)", re.S)


def with_block(body):
    if not body or "debt_mail_payment_block" in body:
        return body
    if PENALTIES.search(body):
        return PENALTIES.sub(lambda m: m.group(1) + "\n    " + CALL, body, count=1)
    end = body.rfind("</div>")
    return body[:end] + "    " + CALL + "\n" + body[end:] if end >= 0 else body + CALL


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in TEMPLATES:
        template = env.ref(f"auto_service_debt.{xmlid}", raise_if_not_found=False)
        if not template:
            continue
        cr.execute("SELECT body_html FROM mail_template WHERE id = %s", (template.id,))
        bodies = cr.fetchone()[0] or {}
        new = {lang: with_block(body) for lang, body in bodies.items()}
        if new != bodies:
            cr.execute("UPDATE mail_template SET body_html = %s WHERE id = %s", (Json(new), template.id))
    env["mail.template"].invalidate_model(["body_html"])
