"""Disputes of a customer's invoices: disputed invoices are not dunned while open."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DebtCollectionDispute(models.Model):
    """A customer disputes some invoices: they are not dunned while it is open."""

    _name = "debt.collection.dispute"
    _description = "Debt Dispute"
    _order = "date desc, id desc"

    case_id = fields.Many2one("debt.collection.case", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    date = fields.Date(default=fields.Date.context_today, required=True)
    reason = fields.Text(required=True)
    move_ids = fields.Many2many("account.move", string="Disputed Invoices", required=True)
    state = fields.Selection([("open", "Open"), ("resolved", "Resolved")], default="open", required=True)
    resolution = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        for dispute in disputes:
            wrong = dispute.move_ids.filtered(
                lambda m: m.commercial_partner_id != dispute.partner_id or m.company_id != dispute.company_id
            )
            if wrong:
                raise ValidationError(self.env._(
                    "Invoices %(moves)s do not belong to %(partner)s in %(company)s: dispute only "
                    "the customer's own invoices.", moves=", ".join(wrong.mapped("name")),
                    partner=dispute.partner_id.display_name, company=dispute.company_id.name,
                ))
            if not dispute.move_ids:
                raise ValidationError(self.env._("Choose the disputed invoices of %(case)s.", case=dispute.case_id.name))
        disputes.move_ids.sudo().write({"debt_disputed": True})
        for dispute in disputes:
            dispute.case_id._message_log(body=self.env._(
                "Dispute opened on %(moves)s: %(reason)s",
                moves=", ".join(dispute.move_ids.mapped("name")), reason=dispute.reason,
            ))
        return disputes

    def action_resolve(self):
        self.write({"state": "resolved"})
        still = self.search([("state", "=", "open"), ("move_ids", "in", self.move_ids.ids)]).move_ids
        (self.move_ids - still).sudo().write({"debt_disputed": False})
        for dispute in self:
            dispute.case_id._message_log(body=self.env._(
                "Dispute on %(moves)s resolved.", moves=", ".join(dispute.move_ids.mapped("name"))
            ))
        return True
