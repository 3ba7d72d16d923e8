"""Claim letters (претензия): a numbered, frozen statement of what a customer owes,
with the penalty calculation, printed through the report engine."""

from datetime import date as date_cls
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, formatLang


class DebtClaim(models.Model):
    """A claim letter sent (or to be sent) to a customer: outgoing number, date,
    deadline and a snapshot of the unpaid items with their penalty breakdown."""

    _name = "debt.claim"
    _description = "Claim Letter"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True, readonly=True, copy=False, default="/",
        help="Outgoing number, taken from the claim letter sequence when the claim is issued.",
    )
    date = fields.Date(
        required=True, readonly=True, default=fields.Date.context_today,
        tracking=True,
    )
    deadline = fields.Date(
        string="Payment Deadline", readonly=True, tracking=True,
        help="Last day for the customer to pay before the matter goes to court.",
    )
    deadline_days = fields.Integer(string="Deadline (days)", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    case_id = fields.Many2one(
        "debt.collection.case", string="Collection Case", readonly=True, index=True,
        check_company=True, ondelete="set null",
    )
    state = fields.Selection(
        [("issued", "Issued"), ("cancelled", "Cancelled")],
        string="Status", default="issued", required=True, readonly=True, tracking=True,
    )
    line_ids = fields.One2many("debt.claim.line", "claim_id", string="Unpaid Items", readonly=True)
    principal_amount = fields.Monetary(
        string="Principal", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    penalty_amount = fields.Monetary(
        string="Penalties", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    total_amount = fields.Monetary(
        string="Total Claimed", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    tracking_ref = fields.Char(
        string="Postal Tracking", tracking=True,
        help="Tracking number of the registered letter with notice of delivery.",
    )

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A claim number must be unique per company."),
    ]

    @api.depends("line_ids.left_amount", "line_ids.penalty_amount")
    def _compute_amounts(self):
        for claim in self:
            cur = claim.currency_id or claim.company_id.currency_id
            principal = cur.round(sum(claim.line_ids.mapped("left_amount")))
            penalty = cur.round(sum(claim.line_ids.mapped("penalty_amount")))
            claim.principal_amount = principal
            claim.penalty_amount = penalty
            claim.total_amount = cur.round(principal + penalty)

    # ------------------------------------------------------------------
    # Issuing
    # ------------------------------------------------------------------
    @api.model
    def _debt_claim_deadline_days(self, partner, company):
        """Days the customer gets to pay: a business has the statutory 30 days before
        the arbitrazh court (or the company's setting), an individual the company's
        shorter term."""
        if partner.commercial_partner_id.is_company:
            return company.debt_claim_days_business or 30
        return company.debt_claim_days_individual or 10

    @api.model
    def _debt_claim_due_lines(self, partners, company, on_date):
        """Overdue receivable due lines a claim demands: posted, open, due before
        ``on_date``; disputed invoices and invoices in a live plan are not claimed."""
        return self.env["account.move.line"].search(
            self.env["debt.position"]._due_line_domain(company, partners) + [
                ("amount_residual", ">", 0),
                ("date_maturity", "<", on_date),
                ("debt_disputed", "=", False),
                ("debt_in_plan", "=", False),
            ], order="date_maturity, move_name, id")

    @api.model
    def _debt_penalty_of(self, lines, on_date):
        aml = self.env["account.move.line"]
        if not lines or not hasattr(aml, "_debt_penalty_breakdown"):
            return {}
        # A claim may be issued before the key rate of its last days is published: the
        # figures then stop at the known date and the letter says so.
        return aml._debt_penalty_breakdown(lines, on_date, provisional_ok=True) or {}

    @api.model
    def _debt_json_value(self, value):
        if isinstance(value, date_cls):
            return fields.Date.to_string(value)
        if isinstance(value, Decimal):
            return float(value)
        return value

    @api.model
    def _debt_issue(self, partner, company, case=None, on_date=None):
        """Create and number a claim for ``partner`` with its overdue items frozen at
        ``on_date``. Refused when nothing is overdue, so that no number is wasted."""
        partner = partner.commercial_partner_id
        on_date = on_date or fields.Date.context_today(self)
        lines = self._debt_claim_due_lines(partner, company, on_date)
        if not lines:
            raise UserError(self.env._(
                "%(partner)s has no overdue unpaid invoice in %(company)s on %(date)s: "
                "there is nothing to claim. Check the invoices and their due dates.",
                partner=partner.display_name, company=company.display_name,
                date=format_date(self.env, on_date),
            ))
        breakdown = self._debt_penalty_of(lines, on_date)
        days = self._debt_claim_deadline_days(partner, company)
        line_vals = []
        for line in lines:
            amount = line.balance
            left = line.amount_residual
            pen = breakdown.get(line.id) or {}
            periods = [
                {key: self._debt_json_value(val) for key, val in period.items()}
                for period in pen.get("periods") or []
            ]
            line_vals.append(fields.Command.create({
                "move_line_id": line.id,
                "move_id": line.move_id.id,
                "number": line.move_id.name,
                "invoice_date": line.move_id.invoice_date or line.date,
                "date_maturity": line.date_maturity,
                "amount": amount,
                "paid_amount": company.currency_id.round(amount - left),
                "left_amount": left,
                "days_late": (on_date - line.date_maturity).days,
                "penalty_kind": pen.get("kind") if pen.get("kind") in ("contract", "key_rate") else False,
                "penalty_amount": float(pen.get("total") or 0.0),
                "penalty_provisional": bool(pen.get("provisional")),
                "penalty_periods": periods,
            }))
        seq = self.env["ir.sequence"].with_company(company).sudo()
        claim = self.create({
            "name": seq.next_by_code("debt.claim", sequence_date=on_date) or "/",
            "date": on_date,
            "deadline": on_date + timedelta(days=days),
            "deadline_days": days,
            "partner_id": partner.id,
            "company_id": company.id,
            "case_id": case.id if case else False,
            "line_ids": line_vals,
        })
        if case:
            claim._debt_record_on_case()
        return claim

    def _debt_record_on_case(self):
        for claim in self.filtered("case_id"):
            claim.case_id.write({
                "claim_number": claim.name,
                "claim_date": claim.date,
                "claim_deadline": claim.deadline,
            })

    def action_cancel(self):
        """A cancelled claim is kept for the record; the next print issues a new number."""
        if not self.env.user.has_group("auto_service_debt.group_debt_manager"):
            raise UserError(self.env._("Only a debt manager may cancel a claim letter."))
        self.write({"state": "cancelled"})
        return True

    def action_print(self):
        self.ensure_one()
        if self.state == "cancelled":
            raise UserError(self.env._(
                "Claim %(number)s is cancelled: print a new claim from the case instead.",
                number=self.name,
            ))
        return self.env.ref("auto_service_debt.action_report_claim_letter").report_action(self)

    def action_send_email(self):
        """Open the mail composer with the claim letter attached."""
        self.ensure_one()
        if self.state == "cancelled":
            raise UserError(self.env._(
                "Claim %(number)s is cancelled: it cannot be sent.", number=self.name,
            ))
        template = self.env.ref("auto_service_debt.mail_template_debt_claim", raise_if_not_found=False)
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "debt.claim",
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        }

    # ------------------------------------------------------------------
    # Letter values
    # ------------------------------------------------------------------
    def _debt_held_vehicles(self):
        """Cars of the customer the shop retains (art. 712): the holds in force, or the
        case's flag when the car is held without a hold record."""
        self.ensure_one()
        if "debt.vehicle.hold" not in self.env:
            return self.env["fleet.vehicle"]
        return self.env["debt.vehicle.hold"].sudo().search([
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("state", "=", "held"),
        ]).vehicle_id

    def _debt_car_held(self):
        self.ensure_one()
        return bool(self.case_id.car_held or self._debt_held_vehicles())

    @api.model
    def _debt_party_values(self, partner):
        partner = partner.commercial_partner_id if partner else partner
        address = partner._display_address(without_company=True) if partner else ""
        return {
            "name": partner.name or "",
            "is_company": bool(partner.is_company),
            "address": ", ".join(
                part.strip() for part in (address or "").splitlines() if part.strip()
            ),
            "vat": partner.vat or "",
            "kpp": partner.debt_kpp or "",
            "registry": partner.company_registry or "",
            "phone": partner.phone or "",
            "email": partner.email or "",
        }

    @api.model
    def _debt_bank_values(self, company):
        """The company's bank account in its own currency (or without currency)."""
        bank = company.partner_id.bank_ids.filtered(
            lambda b: not b.currency_id or b.currency_id == company.currency_id
        )[:1]
        return {
            "acc_number": bank.acc_number or "",
            "bank_name": bank.bank_id.name or "",
            "bic": bank.bank_id.bic or "",
            "holder": company.name,
        } if bank else {}

    def _get_claim_letter_values(self):
        """Everything the claim letter prints, as plain data (amounts as floats
        rounded to the currency, dates as ``date``). The template only lays it out."""
        self.ensure_one()
        company, partner, cur = self.company_id, self.partner_id, self.currency_id
        moves = self.line_ids.move_id
        orders = moves.invoice_line_ids.sale_line_ids.order_id.sorted(lambda o: (o.date_order, o.id))
        vehicles = moves.debt_vehicle_id | orders.debt_vehicle_id
        items, annex, kinds = [], [], set()
        for line in self.line_ids:
            items.append({
                "number": line.number,
                "date": line.invoice_date,
                "date_due": line.date_maturity,
                "amount": cur.round(line.amount),
                "paid": cur.round(line.paid_amount),
                "left": cur.round(line.left_amount),
                "days_late": line.days_late,
                "penalty": cur.round(line.penalty_amount),
            })
            if line.penalty_kind:
                kinds.add(line.penalty_kind)
                annex.append({
                    "number": line.number,
                    "kind": line.penalty_kind,
                    "periods": [
                        {
                            "date_from": fields.Date.to_date(p.get("date_from")),
                            "date_to": fields.Date.to_date(p.get("date_to")),
                            "days": p.get("days") or 0,
                            "base": cur.round(p.get("base") or 0.0),
                            "rate": p.get("rate") or 0.0,
                            "days_in_year": p.get("days_in_year") or False,
                            "amount": cur.round(p.get("amount") or 0.0),
                        }
                        for p in line.penalty_periods or []
                    ],
                    "total": cur.round(line.penalty_amount),
                    "subtotal": cur.round(sum(p.get("amount") or 0.0 for p in line.penalty_periods or [])),
                    "provisional": line.penalty_provisional,
                })
        car_held = self._debt_car_held()
        articles = ["309", "310"]
        if "contract" in kinds:
            articles.append("330")
        if "key_rate" in kinds:
            articles.append("395")
        if car_held:
            articles.append("712")
        contract_ref = partner.debt_penalty_contract_ref if "debt_penalty_contract_ref" in partner else False
        attachments = ["invoices"]
        if orders:
            attachments.insert(0, "orders")
        if annex:
            attachments.append("calculation")
        return {
            "number": self.name,
            "date": self.date,
            "deadline": self.deadline,
            "deadline_days": self.deadline_days,
            "lang": partner.lang or "en_US",
            "currency": cur.name,
            "sender": dict(self._debt_party_values(company.partner_id), name=company.name),
            "addressee": self._debt_party_values(partner),
            "basis": {
                "orders": [{"number": o.name, "date": o.date_order.date()} for o in orders],
                "invoices": [{"number": m.name, "date": m.invoice_date} for m in moves.sorted(
                    lambda m: (m.invoice_date or m.date, m.name))],
                "vehicles": [{
                    "plate": v.license_plate or "",
                    "vin": v.vin_sn or "",
                    "model": v.model_id.display_name or "",
                } for v in vehicles],
                "contract_ref": contract_ref or "",
            },
            "items": items,
            "annex": annex,
            "penalty_kind": "contract" if "contract" in kinds else ("key_rate" if kinds else False),
            "provisional": any(a["provisional"] for a in annex),
            "totals": {
                "principal": self.principal_amount,
                "penalties": self.penalty_amount,
                "total": self.total_amount,
            },
            "legal": {
                "articles": articles,
                "car_held": car_held,
                "held_vehicles": [
                    {"plate": v.license_plate or "", "vin": v.vin_sn or ""}
                    for v in self._debt_held_vehicles()
                ],
                "court": "arbitrazh" if partner.is_company else "general",
            },
            "payment": self._debt_bank_values(company),
            "attachments": attachments,
            "signature": {
                "company": company.name,
                "title": company.debt_claim_signatory_title or "",
                "name": company.debt_claim_signatory_name or "",
            },
        }

    # Formatting helpers for the templates: one format per language, the lang's own
    # separators (ru: "13 380,83" with a no-break space, en: "13,380.83").
    def _debt_fmt_amount(self, amount, lang=None):
        return formatLang(self.env(context=dict(self.env.context, lang=lang or self.env.lang)), amount)

    def _debt_fmt_date(self, value, lang=None):
        return format_date(self.env, value, lang_code=lang) if value else ""

    def _debt_fmt_rate(self, rate, lang=None):
        return formatLang(self.env(context=dict(self.env.context, lang=lang or self.env.lang)), rate, digits=4).rstrip("0").rstrip(",.")
