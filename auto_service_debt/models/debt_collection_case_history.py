"""When a collection case entered a stage (entry actions run once per case and stage),
and the dated events of its agency and court work."""

from odoo import fields, models


class DebtCollectionCaseHistory(models.Model):
    """When a case entered a stage; entry actions run once per (case, stage)."""

    _name = "debt.collection.case.history"
    _description = "Collection Stage History"
    _order = "date desc, id desc"

    case_id = fields.Many2one("debt.collection.case", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    # Empty on the rows of events (hand-over, recall, court steps): the unique (case,
    # stage) pair is that of the stage entries only.
    stage_id = fields.Many2one("debt.collection.stage", ondelete="restrict")
    kind = fields.Selection(
        [
            ("stage", "Stage entered"),
            ("agency_handover", "Handed over to an agency"),
            ("agency_recall", "Recalled from the agency"),
            ("agency_collected", "Collected by the agency"),
            ("court", "Court step"),
        ],
        string="Event", default="stage", required=True,
    )
    note = fields.Char(string="Details")
    agency_agreement_id = fields.Many2one(
        "debt.agency.agreement", string="Agency Agreement", ondelete="set null", index="btree_not_null",
    )
    date = fields.Date(required=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    overdue_amount = fields.Monetary(string="Overdue")
    overdue_days = fields.Integer(string="Days Overdue")

    _sql_constraints = [
        ("case_stage_uniq", "unique(case_id, stage_id)", "A case enters each stage once."),
    ]
