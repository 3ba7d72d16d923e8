"""Audit trail of manager overrides of the service block."""

from odoo import api, fields, models


class DebtBlockOverride(models.Model):
    """One document confirmed for a blocked customer by a Debt Manager, with the
    figures at that moment and the mandatory reason. Never edited afterwards."""

    _name = "debt.block.override"
    _description = "Service Block Override"
    _order = "date desc, id desc"
    _rec_name = "document_name"

    user_id = fields.Many2one("res.users", string="Manager", required=True, readonly=True, index=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Document ID", model_field="res_model", required=True, readonly=True)
    document_name = fields.Char(string="Document", required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    exposure = fields.Monetary(string="Owed", currency_field="currency_id", readonly=True)
    overdue_amount = fields.Monetary(currency_field="currency_id", readonly=True)
    overdue_days = fields.Integer(readonly=True)
    credit_limit = fields.Monetary(currency_field="currency_id", readonly=True)
    order_amount = fields.Monetary(currency_field="currency_id", readonly=True)
    prepayment_required = fields.Monetary(currency_field="currency_id", readonly=True)
    prepayment_paid = fields.Monetary(currency_field="currency_id", readonly=True)
    block_reasons = fields.Text(readonly=True)
    reason = fields.Text(string="Override Reason", required=True, readonly=True)

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [[False, "form"]],
        }

    @api.model
    def _debt_values_from_evaluation(self, record, evaluation, company, reason):
        pos = evaluation["position"]
        return {
            "user_id": self.env.uid,
            "date": fields.Datetime.now(),
            "res_model": record._name,
            "res_id": record.id,
            "document_name": record.display_name,
            "partner_id": evaluation["partner_id"],
            "company_id": company.id,
            "exposure": pos["exposure"],
            "overdue_amount": pos["overdue_amount"],
            "overdue_days": pos["overdue_days"],
            "credit_limit": evaluation["policy"]["credit_limit"],
            "order_amount": evaluation["amount"],
            "prepayment_required": evaluation["prepayment_required"],
            "prepayment_paid": evaluation["paid"] or 0.0,
            "block_reasons": "\n".join(evaluation["messages"]),
            "reason": reason,
        }
