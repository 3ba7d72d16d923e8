"""18.0.1.1.0: legal stage gates and issued claims on an existing database.

The shipped stages are data that users may have edited (noupdate): the gates are set on
those that have none yet. Each open case gets its current claim, and the sending facts the
case used to hold move to that claim."""

from odoo import SUPERUSER_ID, api

GATES = {
    "stage_claim": {"gate_reminder": True, "gate_reminder_days": 7},
    "stage_agency": {"gate_claim": True, "gate_manual": True},
    "stage_court": {"gate_claim": True},
    "stage_enforcement": {"gate_claim": True, "gate_manual": True},
}


def _column_exists(cr, table, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        (table, column),
    )
    return bool(cr.fetchone())


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    legal = env.ref("auto_service_debt.mail_template_debt_legal_reminder", raise_if_not_found=False)
    for xmlid, gates in GATES.items():
        stage = env.ref(f"auto_service_debt.{xmlid}", raise_if_not_found=False)
        if not stage or stage.gate_reminder or stage.gate_claim or stage.gate_manual:
            continue
        values = dict(gates)
        if legal and not stage.manual_template_id:
            values["manual_template_id"] = legal.id
        stage.write(values)
    # the case's current claim: its last claim in force
    cr.execute("""
        UPDATE debt_collection_case c
           SET claim_id = last.id
          FROM (SELECT DISTINCT ON (case_id) case_id, id FROM debt_claim
                 WHERE state = 'issued' AND case_id IS NOT NULL
                 ORDER BY case_id, id DESC) AS last
         WHERE last.case_id = c.id AND c.claim_id IS NULL
    """)
    # the sending facts the case held (sent date, postal tracking) belong to its claim
    if _column_exists(cr, "debt_collection_case", "claim_date"):
        tracking = "c.claim_tracking" if _column_exists(cr, "debt_collection_case", "claim_tracking") else "NULL"
        cr.execute(f"""
            UPDATE debt_claim k
               SET sent_date = GREATEST(c.claim_date, k.date),
                   tracking_ref = COALESCE(k.tracking_ref, {tracking}),
                   send_channel = CASE WHEN COALESCE(k.tracking_ref, {tracking}) IS NOT NULL
                                       THEN 'registered_mail' ELSE 'hand' END
              FROM debt_collection_case c
             WHERE c.claim_id = k.id AND k.sent_date IS NULL AND c.claim_date IS NOT NULL
        """)  # noqa: S608 - the column name is one of two constants
    claims = env["debt.claim"].search([("sent_date", "!=", False)])
    claims._compute_deadline()
    claims.flush_recordset()
