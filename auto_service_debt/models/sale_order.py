from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.debt_block import DeferredAmounts


class SaleOrder(models.Model):
    """Work orders (заказ-наряд) carry the customer's car and are refused to blocked
    customers at confirmation."""

    _name = "sale.order"
    _inherit = ["sale.order", "debt.block.mixin"]

    debt_vehicle_id = fields.Many2one(
        "fleet.vehicle",
        string="Vehicle",
        tracking=True,
        check_company=True,
        help="The customer's car this work order is for.",
    )
    debt_license_plate = fields.Char(related="debt_vehicle_id.license_plate", string="Plate")
    debt_vin = fields.Char(related="debt_vehicle_id.vin_sn", string="VIN")
    debt_payment_ids = fields.One2many(
        "account.payment", "debt_sale_order_id", string="Prepayments",
        groups="account.group_account_invoice",
        help="Customer payments registered as prepayment of this order.",
    )
    debt_grade = fields.Selection(
        related="partner_id.commercial_partner_id.debt_grade", string="Discipline Grade",
        groups="auto_service_debt.group_debt_user",
    )

    @api.onchange("partner_id")
    def _onchange_partner_id_debt_vehicle(self):
        """Propose the customer's car when the customer has exactly one."""
        if not self.env["fleet.vehicle"].has_access("read"):
            return
        for order in self:
            if not order.partner_id:
                continue
            owner = order.partner_id.commercial_partner_id
            if order.debt_vehicle_id and order.debt_vehicle_id.debt_owner_id.commercial_partner_id == owner:
                continue
            cars = self.env["fleet.vehicle"].search(
                [("debt_owner_id", "child_of", owner.id), ("company_id", "in", [order.company_id.id, False])],
                limit=2,
            )
            order.debt_vehicle_id = cars if len(cars) == 1 else False

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # Orders made from a repair order take its car.
        for order in orders.filtered(lambda o: not o.debt_vehicle_id and o.repair_order_ids):
            vehicle = order.repair_order_ids.debt_vehicle_id[:1]
            if vehicle:
                order.debt_vehicle_id = vehicle
        return orders

    def _prepare_invoice(self):
        vals = super()._prepare_invoice()
        if self.debt_vehicle_id:
            vals["debt_vehicle_id"] = self.debt_vehicle_id.id
        return vals

    # ------------------------------------------------------------------
    # Service block
    # ------------------------------------------------------------------

    def action_confirm(self):
        self._debt_check_block()
        return super().action_confirm()

    def write(self, vals):
        # A direct write of the confirmed state (RPC, import, a custom button) meets the
        # same check as the Confirm button.
        if vals.get("state") == "sale":
            self.filtered(lambda o: o.state in ("draft", "sent"))._debt_unchecked()._debt_check_block()
        # confirmed or cancelled, or the lines of a confirmed order edited: what the
        # customer owes (orders not yet invoiced count) changes, an event
        confirmed = self.filtered(lambda o: o.state == "sale")
        res = super().write(vals)
        if "state" in vals or ("order_line" in vals and confirmed):
            self.env["debt.partner.status"]._debt_mark_records(self if "state" in vals else confirmed)
        return res

    def _debt_company_amount(self):
        self.ensure_one()
        rate = self.currency_rate or 1.0
        return self.company_id.currency_id.round(self.amount_total / rate)

    def _debt_block_items(self):
        orders = self.filtered(lambda o: o.state in ("draft", "sent") and o.partner_id)
        # Fetched by the evaluation in one query, and only when a prepayment is required.
        paid = DeferredAmounts(lambda ids: self.browse(ids)._debt_prepayment_paid())
        return {
            # an order being edited (a new record in the form) counts what its saved
            # original has been paid
            order: (order.partner_id, order.company_id, order._debt_company_amount(),
                    paid(order._origin.id or order.id))
            for order in orders
        }

    def _debt_banner_items(self):
        # Unsaved orders too: the advisor sees the customer's state as soon as the
        # customer is chosen, before filling the order.
        return self._debt_block_items()

    @api.depends("partner_id", "company_id", "state", "amount_total", "currency_rate")
    def _compute_debt_banner(self):
        return super()._compute_debt_banner()

    def _debt_prepayment_paid(self):
        """Return ``{order_id: amount}`` paid ahead for these orders, in company currency,
        in one query: the open (not yet reconciled) part of the customer payments
        registered for the order, plus the paid part of its posted down-payment invoices.
        A prepayment later matched with the down-payment invoice thus counts once."""
        ids = [oid for oid in self.ids if isinstance(oid, int)]
        if not ids:
            return {}
        self.env["account.payment"].flush_model(["debt_sale_order_id", "state", "move_id", "amount_company_currency_signed"])
        self.env["account.move.line"].flush_model(["amount_residual", "account_id", "move_id"])
        self.env["account.move"].flush_model(["amount_total_signed", "amount_residual_signed", "state", "move_type"])
        self.env["sale.order.line"].flush_model(["is_downpayment", "order_id", "invoice_lines"])
        self.env.cr.execute(SQL(
            """
            SELECT p.debt_sale_order_id,
                   CASE WHEN p.move_id IS NULL THEN p.amount_company_currency_signed
                        ELSE -COALESCE((SELECT SUM(aml.amount_residual)
                                          FROM account_move_line aml
                                          JOIN account_account acc ON acc.id = aml.account_id
                                         WHERE aml.move_id = p.move_id
                                           AND acc.account_type = 'asset_receivable'), 0)
                   END
              FROM account_payment p
             WHERE p.debt_sale_order_id = ANY(%(ids)s)
               AND p.payment_type = 'inbound'
               AND p.state IN ('in_process', 'paid')
         UNION ALL
            SELECT dp.order_id, m.amount_total_signed - m.amount_residual_signed
              FROM account_move m
              JOIN (SELECT DISTINCT sol.order_id, aml.move_id
                      FROM sale_order_line sol
                      JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                      JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                     WHERE sol.is_downpayment AND sol.order_id = ANY(%(ids)s)) dp
                ON dp.move_id = m.id
             WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
            """,
            ids=ids,
        ))
        paid = {}
        for order_id, amount in self.env.cr.fetchall():
            paid[order_id] = paid.get(order_id, 0.0) + (amount or 0.0)
        return paid

    def action_debt_register_prepayment(self):
        """Open a customer payment for the missing prepayment of this order."""
        self.ensure_one()
        order = self.sudo()
        missing = max(order.debt_prepay_required - order.debt_prepay_paid, 0.0)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Register Prepayment"),
            "res_model": "account.payment",
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
            "context": {
                "default_payment_type": "inbound",
                "default_partner_type": "customer",
                "default_partner_id": self.partner_id.commercial_partner_id.id,
                "default_company_id": self.company_id.id,
                "default_currency_id": self.company_id.currency_id.id,
                "default_amount": missing,
                "default_memo": self.name,
                "default_debt_sale_order_id": self.id,
            },
        }
