"""Retention of a customer's car until the work is paid (Civil Code arts. 712, 359, 360)."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# What only the release path writes, and the context value it passes: an object, which
# no RPC call can forge.
RELEASE_FIELDS = frozenset({"state", "release_date", "release_reason", "released_by_id", "release_overridden"})
RELEASE_TOKEN = object()


class DebtVehicleHold(models.Model):
    """A customer's car kept by the shop for an unpaid debt. Only the debtor's own car
    may be held; release needs the debt paid or a manager's reasoned override."""

    _name = "debt.vehicle.hold"
    _description = "Vehicle on Hold"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, start_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    vehicle_id = fields.Many2one(
        "fleet.vehicle", string="Vehicle", required=True, tracking=True, check_company=True,
    )
    license_plate = fields.Char(related="vehicle_id.license_plate", string="Plate")
    vin = fields.Char(related="vehicle_id.vin_sn", string="VIN")
    owner_id = fields.Many2one(related="vehicle_id.debt_owner_id", string="Owner")
    partner_id = fields.Many2one(
        "res.partner", string="Debtor", required=True, tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move", string="Unpaid Documents", check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', partner_id), ('payment_state', 'not in', ('paid', 'in_payment', 'reversed'))]",
        help="The invoices for the work on this car that are not paid.",
    )
    amount_due = fields.Monetary(
        string="Debt Secured", compute="_compute_amounts", currency_field="currency_id",
    )
    start_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    storage_fee = fields.Monetary(
        string="Storage Fee per Day", currency_field="currency_id",
        help="Charged for each day the car stays after the hold starts, if the contract says so.",
    )
    storage_days = fields.Integer(compute="_compute_amounts")
    storage_amount = fields.Monetary(
        string="Storage Fees", compute="_compute_amounts", currency_field="currency_id",
    )
    state = fields.Selection(
        [("held", "Held"), ("released", "Released")], default="held", required=True, tracking=True,
    )
    release_date = fields.Date(readonly=True, tracking=True)
    release_reason = fields.Text(readonly=True)
    released_by_id = fields.Many2one("res.users", readonly=True)
    release_overridden = fields.Boolean(
        string="Released with Debt", readonly=True,
        help="Released by a manager although the secured debt was not paid.",
    )

    _sql_constraints = [
        ("storage_fee_positive", "CHECK(storage_fee >= 0)", "The storage fee cannot be negative."),
    ]

    @api.depends("vehicle_id.license_plate", "vehicle_id.model_id", "partner_id")
    def _compute_name(self):
        for hold in self:
            hold.name = " / ".join(filter(None, [
                hold.vehicle_id.license_plate or hold.vehicle_id.display_name,
                hold.partner_id.name,
            ]))

    @api.depends("move_ids.amount_residual", "storage_fee", "start_date", "release_date", "state")
    def _compute_amounts(self):
        today = fields.Date.context_today(self)
        for hold in self:
            # Advisors see the secured amount without access to the accounting documents.
            hold.amount_due = hold.currency_id.round(sum(hold.sudo().move_ids.mapped("amount_residual")))
            end = hold.release_date or today
            days = max((end - hold.start_date).days, 0) if hold.start_date else 0
            hold.storage_days = days
            hold.storage_amount = hold.currency_id.round(days * hold.storage_fee)

    @api.constrains("vehicle_id", "partner_id", "state")
    def _check_debtor_owns_vehicle(self):
        for hold in self.filtered(lambda h: h.state == "held"):
            owner = hold.vehicle_id.debt_owner_id.commercial_partner_id
            debtor = hold.partner_id.commercial_partner_id
            if not owner:
                raise ValidationError(self.env._(
                    "Vehicle %(vehicle)s has no owner recorded. Set the owner from the registration "
                    "certificate before holding it: only the debtor's own car may be retained "
                    "(Civil Code arts. 359, 712).",
                    vehicle=hold.vehicle_id.display_name,
                ))
            if owner != debtor:
                raise ValidationError(self.env._(
                    "Vehicle %(vehicle)s belongs to %(owner)s, not to the debtor %(debtor)s. Retention "
                    "is only allowed for the debtor's own property (Civil Code arts. 359, 712); a car "
                    "of a leasing company or an employer cannot be held for the debt of the person "
                    "who brought it. Release the car or correct the owner if the registration shows "
                    "the debtor.",
                    vehicle=hold.vehicle_id.display_name, owner=owner.display_name,
                    debtor=debtor.display_name,
                ))
            if hold.sudo().move_ids.commercial_partner_id - debtor:
                raise ValidationError(self.env._(
                    "Hold %(hold)s secures documents of another customer; keep only invoices of "
                    "%(debtor)s.", hold=hold.display_name, debtor=debtor.display_name,
                ))

    @api.constrains("vehicle_id", "state")
    def _check_one_hold_per_vehicle(self):
        held = self.filtered(lambda h: h.state == "held")
        if not held:
            return
        counts = dict(self._read_group(
            [("vehicle_id", "in", held.vehicle_id.ids), ("state", "=", "held")],
            ["vehicle_id"], ["__count"],
        ))
        for hold in held:
            if counts.get(hold.vehicle_id, 0) > 1:
                raise ValidationError(self.env._(
                    "Vehicle %(vehicle)s is already on hold. Release the existing hold first.",
                    vehicle=hold.vehicle_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        holds = super().create(vals_list)
        for hold in holds:
            # Collectors may note on the customer without the right to edit the customer.
            hold.partner_id.sudo().message_post(author_id=self.env.user.partner_id.id, body=self.env._(
                "Vehicle %(vehicle)s is held until the debt of %(amount)s is paid.",
                vehicle=hold.vehicle_id.display_name,
                amount=hold.currency_id.format(hold.amount_due),
            ))
        return holds

    def write(self, vals):
        if (
            RELEASE_FIELDS & set(vals)
            and not self.env.su
            and self.env.context.get("debt_hold_release") is not RELEASE_TOKEN
        ):
            raise AccessError(self.env._(
                "Holds %(holds)s are released with the Release button only: it checks that the "
                "debt is paid, or records a Debt Manager's reason when it is not. Their state "
                "cannot be written directly.", holds=", ".join(self[:5].mapped("display_name")),
            ))
        return super().write(vals)

    def action_release(self):
        """Release cars whose secured debt is paid; otherwise ask a manager for a reason."""
        unpaid = self.filtered(lambda h: h.state == "held" and h.amount_due > 0)
        if unpaid:
            if not self.env.user.has_group("auto_service_debt.group_debt_manager"):
                raise UserError(self.env._(
                    "Vehicle %(vehicle)s secures an unpaid debt of %(amount)s. It can be released "
                    "when the debt is paid, or by a Debt Manager with a reason.",
                    vehicle=unpaid[0].vehicle_id.display_name,
                    amount=unpaid[0].currency_id.format(unpaid[0].amount_due),
                ))
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Release with Unpaid Debt"),
                "res_model": "debt.vehicle.release.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {"default_hold_ids": unpaid.ids},
            }
        self._release(self.env._("Debt paid"))
        return True

    def _release(self, reason, override=False):
        if override and not self.env.user.has_group("auto_service_debt.group_debt_manager"):
            raise AccessError(self.env._("Only a Debt Manager may release a car with an unpaid debt."))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for releasing the car."))
        for hold in self.filtered(lambda h: h.state == "held"):
            hold.with_context(debt_hold_release=RELEASE_TOKEN).write({
                "state": "released",
                "release_date": fields.Date.context_today(self),
                "release_reason": reason,
                "released_by_id": self.env.uid,
                "release_overridden": override,
            })
            hold._message_log(body=self.env._("Released: %(reason)s", reason=reason))
            hold.partner_id.sudo().message_post(author_id=self.env.user.partner_id.id, body=self.env._(
                "Vehicle %(vehicle)s released: %(reason)s",
                vehicle=hold.vehicle_id.display_name, reason=reason,
            ))
