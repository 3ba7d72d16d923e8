"""The reconciliation act (акт сверки взаимных расчётов) of a customer for a period."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class DebtReconciliationActWizard(models.TransientModel):
    """Asks for the customer, the company and the period, and prints the act."""

    _name = "debt.reconciliation.act.wizard"
    _description = "Reconciliation Act"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False), "
        "'|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="The act is drawn up with the commercial entity of this contact.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    date_from = fields.Date(
        string="From", required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, res_id = self.env.context.get("active_model"), self.env.context.get("active_id")
        if res_id and model in ("debt.collection.case", "debt.installment.plan"):
            record = self.env[model].browse(res_id)
            values.setdefault("partner_id", record.partner_id.commercial_partner_id.id)
            values.setdefault("company_id", record.company_id.id)
        elif res_id and model == "res.partner":
            values.setdefault("partner_id", self.env[model].browse(res_id).commercial_partner_id.id)
        return values

    def _debt_check_act(self):
        """Refuse an act the user may not print, or a period that makes no sense (the
        customer portal prints its customer's act with sudo, in any company)."""
        self.ensure_one()
        if not self.env.su and self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._(
                "You may not print a reconciliation act of %(company)s: you do not work in "
                "this company. Ask a user of %(company)s to print it.",
                company=self.company_id.display_name,
            ))
        if self.date_from > self.date_to:
            raise UserError(self.env._(
                "The reconciliation act of %(partner)s starts on %(date_from)s, after its "
                "end %(date_to)s. Set the start of the period before its end.",
                partner=self.partner_id.display_name,
                date_from=fields.Date.to_string(self.date_from),
                date_to=fields.Date.to_string(self.date_to),
            ))
        # the customer itself is read with the user's rights
        self.partner_id.check_access("read")

    def _get_reconciliation_act_values(self):
        """Everything the act prints, as plain data (see
        ``res.partner._get_debt_reconciliation_act_values``). The company's journal items
        are read as the company (its receivable lines only), not through the sales
        team's rules of the printing user."""
        self._debt_check_act()
        partner = self.partner_id.commercial_partner_id
        company = self.company_id
        values = partner.sudo().with_company(company)._get_debt_reconciliation_act_values(
            company.sudo(), self.date_from, self.date_to,
        )
        return values[partner.id]

    def action_print(self):
        self._debt_check_act()
        return self.env.ref("auto_service_debt.action_report_reconciliation_act").report_action(self)
