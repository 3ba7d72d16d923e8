"""Invoice accrued penalties: a collector prepares, a manager confirms."""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date

MANAGER = "auto_service_debt.group_debt_manager"
COLLECTOR = "auto_service_debt.group_debt_collector"


class DebtPenaltyInvoiceWizard(models.TransientModel):
    """Creates one customer invoice with the penalty product for the penalties of one
    customer that are accrued and neither invoiced nor waived."""

    _name = "debt.penalty.invoice.wizard"
    _description = "Invoice Penalties"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    penalty_ids = fields.Many2many(
        "debt.penalty", string="Penalties",
        domain="[('partner_id', '=', partner_id), ('company_id', '=', company_id), ('amount_open', '>', 0)]",
    )
    date = fields.Date(
        string="Invoice Date", required=True, readonly=True,
        default=fields.Date.context_today,
        help="Penalties are recomputed up to this date and invoiced.",
    )
    product_id = fields.Many2one(
        "product.product", string="Product", readonly=True,
        help="Empty: a contractual penalty is invoiced with the company's penalty product, art. 395 "
        "interest with its interest product.",
    )
    amount_total = fields.Monetary(string="Amount", compute="_compute_amount_total")
    is_manager = fields.Boolean(compute="_compute_is_manager")
    provisional = fields.Boolean(compute="_compute_amount_total")

    @api.depends("penalty_ids.amount_open")
    def _compute_amount_total(self):
        for wiz in self:
            wiz.amount_total = sum(wiz.penalty_ids.mapped("amount_open"))
            wiz.provisional = any(wiz.penalty_ids.mapped("provisional"))

    def _compute_is_manager(self):
        self.is_manager = self.env.user.has_group(MANAGER)

    @api.model
    def _debt_action_open(self, penalties):
        if not self.env.user.has_group(COLLECTOR):
            raise AccessError(self.env._("Only debt collectors and managers may invoice penalties."))
        open_penalties = penalties.filtered(lambda p: p.amount_open > 0)
        if not open_penalties:
            raise UserError(self.env._(
                "Nothing to invoice: the selected penalties of %(partner)s have no accrued "
                "amount that is not yet invoiced or waived.",
                partner=", ".join(penalties.partner_id.mapped("display_name")) or "-",
            ))
        company = open_penalties.company_id
        if len(company) > 1:
            raise UserError(self.env._("Invoice the penalties of one company at a time."))
        wizard = self.create({
            "partner_id": open_penalties.partner_id.id,
            "company_id": company.id,
            "penalty_ids": [Command.set(open_penalties.ids)],
        })
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoice Penalties"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_prepare(self):
        """Collector: mark the penalties as ready for a manager to invoice."""
        self.ensure_one()
        if not self.env.user.has_group(COLLECTOR):
            raise AccessError(self.env._("Only debt collectors and managers may prepare penalty invoices."))
        self._debt_check()
        self.penalty_ids.sudo().write({
            "invoice_prepared": True, "invoice_prepared_uid": self.env.user.id,
        })
        self.partner_id.sudo().message_post(body=self.env._(
            "Penalty invoice of %(amount)s prepared by %(user)s; a debt manager confirms it.",
            amount=format_amount(self.env, self.amount_total, self.currency_id),
            user=self.env.user.name,
        ))
        return {"type": "ir.actions.act_window_close"}

    def _debt_check(self):
        if not self.penalty_ids:
            raise UserError(self.env._("Select the penalties of %(partner)s to invoice.",
                                       partner=self.partner_id.display_name))
        wrong = self.penalty_ids.filtered(
            lambda p: p.partner_id != self.partner_id or p.company_id != self.company_id
        )
        if wrong:
            raise UserError(self.env._(
                "The penalties of %(invoices)s do not belong to %(partner)s in %(company)s.",
                invoices=", ".join(wrong.move_id.mapped("display_name")),
                partner=self.partner_id.display_name, company=self.company_id.name,
            ))

    def action_confirm(self):
        """Manager: recompute up to the invoice date, create and post the invoice and
        close the invoiced days."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._(
                "Only a debt manager may confirm a penalty invoice. Use 'Prepare' and a "
                "manager will confirm it."
            ))
        self._debt_check()
        products = {
            kind: self.product_id or self.company_id._debt_penalty_product(kind)
            for kind in set(self.penalty_ids.mapped("kind"))
        }
        if not all(products.values()):
            raise UserError(self.env._(
                "Set the penalty and interest products in Debt Control settings of %(company)s first.",
                company=self.company_id.name,
            ))
        today = fields.Date.context_today(self)
        if self.date > today:
            raise UserError(self.env._("Penalties cannot be invoiced for a future date (%(date)s).",
                                       date=format_date(self.env, self.date)))
        Penalty = self.env["debt.penalty"].sudo()
        Penalty.with_company(self.company_id)._debt_accrue(
            self.company_id, self.date, line_ids=self.penalty_ids.move_line_id.ids
        )
        penalties = self.penalty_ids.sudo().filtered(lambda p: p.amount_open > 0)
        if not penalties:
            raise UserError(self.env._(
                "Nothing to invoice for %(partner)s on %(date)s: the penalties are invoiced or waived.",
                partner=self.partner_id.display_name, date=format_date(self.env, self.date),
            ))
        lines = []
        for pen in penalties:
            product = products[pen.kind]
            lines.append(Command.create({
                "product_id": product.id,
                "name": pen._debt_invoice_line_label(),
                "quantity": 1,
                "price_unit": pen.amount_open,
                "tax_ids": [Command.set(product.taxes_id.filtered(
                    lambda t: t.company_id == self.company_id).ids)],
            }))
        invoice = self.env["account.move"].sudo().with_company(self.company_id).create({
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "invoice_date": self.date,
            "debt_penalty_invoice": True,
            "invoice_line_ids": lines,
        })
        invoice.action_post()
        self.env["debt.penalty.settlement"].sudo().create([
            {
                "penalty_id": pen.id,
                "kind": "invoice",
                "closes_period": True,
                "date_from": pen.breakdown["periods"][0]["date_from"] if pen.breakdown and pen.breakdown.get("periods") else False,
                "date_to": pen.computed_to,
                "amount": pen.amount_open,
                "invoice_id": invoice.id,
            }
            for pen in penalties
        ])
        for pen in penalties:
            pen.move_id._message_log(body=self.env._(
                "Penalty up to %(date)s invoiced: %(amount)s (%(invoice)s).",
                date=format_date(self.env, pen.computed_to),
                amount=format_amount(self.env, pen.amount_open, pen.currency_id),
                invoice=invoice.name,
            ))
        penalties.write({"invoice_prepared": False, "invoice_prepared_uid": False})
        # Refresh the stored figures so that lists show the invoiced state at once.
        Penalty.with_company(self.company_id)._debt_accrue(
            self.company_id, self.date, line_ids=penalties.move_line_id.ids
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }
