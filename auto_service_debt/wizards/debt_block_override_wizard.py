"""Manager override of the service block for one document."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

OVERRIDABLE_MODELS = [("sale.order", "Sales Order"), ("repair.order", "Repair Order")]


class DebtBlockOverrideWizard(models.TransientModel):
    """Confirms one blocked document with a mandatory reason and logs it."""

    _name = "debt.block.override.wizard"
    _description = "Override Service Block"

    res_model = fields.Selection(OVERRIDABLE_MODELS, string="Document Type", required=True, readonly=True)
    res_id = fields.Integer(string="Document ID", required=True, readonly=True)
    document_name = fields.Char(string="Document", compute="_compute_summary")
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_summary")
    block_reasons = fields.Text(string="Block Reasons", compute="_compute_summary")
    reason = fields.Text(string="Override Reason", required=True,
                         help="Why this document may go ahead although the customer is blocked. Logged.")

    def _document(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id).exists()

    @api.depends("res_model", "res_id")
    def _compute_summary(self):
        for wizard in self:
            document = wizard._document() if wizard.res_model and wizard.res_id else None
            evaluation = document and document._debt_evaluate_documents()
            wizard.document_name = document.display_name if document else False
            wizard.partner_id = document.partner_id.commercial_partner_id if document else False
            wizard.block_reasons = (
                "\n".join(evaluation[0][1]["messages"]) if evaluation else False
            )

    def _check_manager(self):
        if not self.env.user.has_group("auto_service_debt.group_debt_manager"):
            raise AccessError(self.env._("Only a Debt Manager may override the service block."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager()
        return super().create(vals_list)

    def action_override(self):
        self.ensure_one()
        self._check_manager()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of the override: it is logged."))
        document = self._document()
        if not document:
            raise UserError(self.env._("The document to confirm no longer exists."))
        evaluation = document._debt_evaluate_documents()
        if not evaluation:
            raise UserError(self.env._(
                "%(document)s cannot be confirmed from this state.", document=document.display_name
            ))
        record, ev = evaluation[0]
        company = record.company_id
        override = self.env["debt.block.override"].create(
            self.env["debt.block.override"]._debt_values_from_evaluation(
                record, ev, company, self.reason.strip()
            )
        )
        confirm = document.with_context(debt_block_override_id=override.id)
        if self.res_model == "sale.order":
            confirm.action_confirm()
        elif self.env.context.get("debt_override_start"):
            confirm.action_repair_start()
        else:
            confirm._action_repair_confirm()
        body = self._override_message(override)
        document._message_log(body=body)
        partner = self.env["res.partner"].browse(ev["partner_id"])
        # Posting on the customer must not need the right to edit the customer.
        partner.sudo().message_post(body=body, subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def _override_message(self, override):
        items = Markup("").join(
            Markup("<li>%s</li>") % line for line in (override.block_reasons or "").splitlines()
        )
        return Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
            self.env._(
                "Service block overridden by %(user)s for %(document)s.",
                user=override.user_id.name, document=override.document_name,
            ),
            items,
            self.env._("Reason: %(reason)s", reason=override.reason),
        )
