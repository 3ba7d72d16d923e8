"""Invoices: the car, the debt-control states of their due lines, the block flags they
refresh and their penalties."""

from markupsafe import Markup

from odoo import api, fields, models

DEBT_USER = "auto_service_debt.group_debt_user"


class AccountMove(models.Model):
    """Invoices show the car and carry the debt-control states of their due lines."""

    _name = "account.move"
    _inherit = ["account.move", "debt.block.mixin"]

    debt_vehicle_id = fields.Many2one(
        "fleet.vehicle",
        string="Vehicle",
        tracking=True,
        check_company=True,
        help="The car the invoiced work was done on.",
    )
    debt_license_plate = fields.Char(related="debt_vehicle_id.license_plate", string="Plate")
    debt_vin = fields.Char(related="debt_vehicle_id.vin_sn", string="VIN")
    debt_in_plan = fields.Boolean(
        string="In Installment Plan",
        copy=False,
        index=True,
        help="Covered by an active installment plan that is on time: the invoice "
        "neither blocks the customer nor is dunned.",
    )
    debt_disputed = fields.Boolean(
        string="Disputed",
        copy=False,
        index=True,
        help="The customer disputes this invoice: no dunning until the dispute is settled.",
    )

    @api.depends("partner_id", "company_id", "state", "move_type")
    def _compute_debt_banner(self):
        return super()._compute_debt_banner()

    def _debt_banner_items(self):
        items = {}
        for move in self.filtered(lambda m: m.state == "draft" and m.move_type == "out_invoice" and m.partner_id):
            items[move] = (move.partner_id, move.company_id, 0.0, None)
        return items

    def _debt_mark_customers(self):
        """The event of an invoice: the debt state of its customers may have changed."""
        self.env["debt.partner.status"]._debt_mark_lines(self.line_ids)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._debt_mark_customers()
        return posted

    def button_cancel(self):
        res = super().button_cancel()
        self._debt_mark_customers()
        self._debt_penalty_release()
        return res

    def button_draft(self):
        self._debt_mark_customers()
        return super().button_draft()

    def write(self, vals):
        res = super().write(vals)
        if "debt_in_plan" in vals or "debt_disputed" in vals:
            # covered by a plan or disputed: what blocks and what is dunned changes
            self._debt_mark_customers()
        return res

    # ------------------------------------------------------------------
    # Penalties
    # ------------------------------------------------------------------

    debt_penalty_invoice = fields.Boolean(
        string="Penalty Invoice", copy=False, readonly=True, index=True,
        help="This invoice charges penalties or interest; it bears no penalty itself.",
    )
    debt_penalty_ids = fields.One2many(
        "debt.penalty", "move_id", string="Penalties", groups=DEBT_USER
    )
    debt_penalty_open = fields.Monetary(
        string="Penalty to Invoice", compute="_compute_debt_penalty",
        currency_field="company_currency_id", groups=DEBT_USER,
    )
    debt_penalty_provisional = fields.Boolean(
        string="Penalty Provisional", compute="_compute_debt_penalty", groups=DEBT_USER
    )
    debt_penalty_breakdown_html = fields.Html(
        string="Penalty Calculation", compute="_compute_debt_penalty", sanitize=False,
        groups=DEBT_USER,
    )

    @api.depends("debt_penalty_ids.amount_open", "debt_penalty_ids.breakdown")
    def _compute_debt_penalty(self):
        for move in self:
            penalties = move.debt_penalty_ids
            move.debt_penalty_open = sum(penalties.mapped("amount_open"))
            move.debt_penalty_provisional = any(penalties.mapped("provisional"))
            parts = []
            for pen in penalties:
                table = pen._debt_breakdown_table()
                if not table:
                    continue
                if len(penalties) > 1:
                    parts.append(Markup("<h5>%s</h5>") % self.env._(
                        "Due %(date)s", date=fields.Date.to_string(pen.date_maturity)
                    ))
                parts.append(table)
            move.debt_penalty_breakdown_html = Markup("").join(parts) if parts else False

    def _debt_penalty_release(self):
        """A cancelled penalty invoice gives its days back to the accrual."""
        settlements = self.env["debt.penalty.settlement"].sudo().search([
            ("invoice_id", "in", self.filtered("debt_penalty_invoice").ids),
        ])
        if not settlements:
            return
        penalties = settlements.penalty_id
        for move in settlements.invoice_id:
            move._message_log(body=self.env._(
                "Penalty invoice cancelled: its days will be accrued again by the next daily run."
            ))
        settlements.unlink()
        penalties.write({"state": "running"})

    def action_debt_open_penalties(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "auto_service_debt.action_debt_penalty"
        )
        action["domain"] = [("move_id", "in", self.ids)]
        action["context"] = {}
        return action
