"""When a collection case entered a stage (entry actions run once per case and stage)."""

from odoo import fields, models


class DebtCollectionCaseHistory(models.Model):
    """When a case entered a stage; entry actions run once per (case, stage)."""

    _name = "debt.collection.case.history"
    _description = "Collection Stage History"
    _order = "date desc, id desc"

    case_id = fields.Many2one("debt.collection.case", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    stage_id = fields.Many2one("debt.collection.stage", required=True, ondelete="restrict")
    date = fields.Date(required=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    overdue_amount = fields.Monetary(string="Overdue")
    overdue_days = fields.Integer(string="Days Overdue")

    _sql_constraints = [
        ("case_stage_uniq", "unique(case_id, stage_id)", "A case enters each stage once."),
    ]
