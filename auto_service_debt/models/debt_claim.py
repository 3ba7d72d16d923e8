"""Claim letters (претензия): an issued document. Issuing freezes its number, date,
recipient, items, breakdown and text; the first print keeps its PDF, every reprint
returns that PDF; a change is a new claim that replaces the first. Sending records the
channel, the postal tracking number and the sent and received dates, from which the
deadline (and the court gate of the case) runs."""

from datetime import date as date_cls
from datetime import timedelta
from decimal import Decimal

from num2words import num2words

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, formatLang

# What issuing freezes: written once, by ``_debt_issue`` (context token), never again.
FROZEN_FIELDS = frozenset({
    "name", "date", "partner_id", "company_id", "line_ids", "letter_values", "deadline_days",
    "previous_claim_id",
})
FREEZE_TOKEN = object()
# Dates of the frozen letter values, stored as ISO strings in JSON.
DATE_KEYS = frozenset({"date", "date_due", "date_from", "date_to", "known_until"})
SEND_CHANNELS = [
    ("registered_mail", "Registered mail with notice of delivery"),
    ("hand", "Hand delivery against signature"),
    ("courier", "Courier service"),
    ("email", "E-mail"),
]


def _thaw(value, key=None):
    """Frozen letter values back to the types the template formats (dates)."""
    if isinstance(value, dict):
        return {k: _thaw(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v, key) for v in value]
    if key in DATE_KEYS and isinstance(value, str) and value:
        return fields.Date.to_date(value)
    return value


def _freeze(value):
    if isinstance(value, dict):
        return {k: _freeze(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_freeze(v) for v in value]
    if isinstance(value, date_cls):
        return fields.Date.to_string(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


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
        string="Payment Deadline", compute="_compute_deadline", store=True, tracking=True,
        help="Last day of the claim's term, counted from the sending facts: for a business "
        "the days from sending (30 calendar days before the arbitrazh court, APK art. 4 §5, "
        "or the contract's term), for an individual the days from receipt (from sending while "
        "the receipt is not recorded). Empty until the claim is sent.",
    )
    deadline_days = fields.Integer(string="Term (days)", readonly=True)
    letter_values = fields.Json(
        string="Letter", readonly=True, copy=False,
        help="The text's values, frozen when the claim was issued.",
    )
    previous_claim_id = fields.Many2one(
        "debt.claim", string="Replaces", readonly=True, copy=False, index="btree_not_null",
        ondelete="restrict",
        help="The earlier claim this claim replaces (a changed claim is a new claim).",
    )
    replaced_by_id = fields.Many2one(
        "debt.claim", string="Replaced By", readonly=True, copy=False, ondelete="set null",
    )
    send_channel = fields.Selection(SEND_CHANNELS, string="Sent By", tracking=True, copy=False)
    sent_date = fields.Date(string="Sent On", tracking=True, copy=False)
    received_date = fields.Date(
        string="Received On", tracking=True, copy=False,
        help="Day the customer received the claim (notice of delivery, signature, reply).",
    )
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
        [("issued", "Issued"), ("replaced", "Superseded"), ("cancelled", "Cancelled")],
        string="Status", default="issued", required=True, readonly=True, tracking=True,
    )
    line_ids = fields.One2many("debt.claim.line", "claim_id", string="Unpaid Items", readonly=True)
    principal_amount = fields.Monetary(
        string="Principal", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    penalty_amount = fields.Monetary(
        string="Penalty or Interest", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    total_amount = fields.Monetary(
        string="Total Claimed", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    tracking_ref = fields.Char(
        string="Postal Tracking", tracking=True, copy=False,
        help="Tracking number (ШПИ) of the registered letter with notice of delivery.",
    )
    pdf_attachment_id = fields.Many2one(
        "ir.attachment", string="Issued PDF", compute="_compute_pdf_attachment",
        help="The PDF kept at the first print; every reprint returns it.",
    )

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A claim number must be unique per company."),
    ]

    @api.depends("sent_date", "received_date", "deadline_days", "partner_id.is_company")
    def _compute_deadline(self):
        for claim in self:
            if not claim.sent_date:
                claim.deadline = False
                continue
            start = claim.sent_date
            if not claim.partner_id.commercial_partner_id.is_company and claim.received_date:
                start = claim.received_date
            claim.deadline = start + timedelta(days=claim.deadline_days)

    def _compute_pdf_attachment(self):
        report = self.env.ref("auto_service_debt.action_report_claim_letter")
        for claim in self:
            claim.pdf_attachment_id = report.retrieve_attachment(claim) if claim.id else False

    @api.constrains("send_channel", "sent_date", "received_date", "tracking_ref", "date")
    def _check_sending(self):
        today = fields.Date.context_today(self)
        for claim in self:
            _ = self.env._
            if claim.sent_date and not claim.send_channel:
                raise ValidationError(_("Claim %(claim)s: say how it was sent (Sent By).", claim=claim.name))
            if claim.sent_date and claim.sent_date < claim.date:
                raise ValidationError(_(
                    "Claim %(claim)s: it cannot be sent on %(sent)s, before it was issued on %(date)s.",
                    claim=claim.name, sent=format_date(self.env, claim.sent_date),
                    date=format_date(self.env, claim.date)))
            if (claim.sent_date and claim.sent_date > today) or (
                    claim.received_date and claim.received_date > today):
                raise ValidationError(_(
                    "Claim %(claim)s: the sending and receipt dates cannot be in the future.",
                    claim=claim.name))
            if claim.received_date and (not claim.sent_date or claim.received_date < claim.sent_date):
                raise ValidationError(_(
                    "Claim %(claim)s: the receipt date must be on or after the sending date.",
                    claim=claim.name))
            if claim.send_channel == "registered_mail" and claim.sent_date and not claim.tracking_ref:
                raise ValidationError(_(
                    "Claim %(claim)s was sent by registered mail: enter the postal tracking number "
                    "of the letter, it proves the sending date.", claim=claim.name))

    def write(self, vals):
        frozen = FROZEN_FIELDS & set(vals)
        if frozen and self.env.context.get("debt_claim_freeze") is not FREEZE_TOKEN:
            raise UserError(self.env._(
                "Claim %(claims)s is an issued document: its number, date, recipient, items and "
                "text cannot change. Issue a new claim that replaces it instead.",
                claims=", ".join(self.mapped("name")),
            ))
        sending = {"send_channel", "sent_date", "received_date", "tracking_ref"} & set(vals)
        if sending and self.filtered(lambda c: c.state != "issued"):
            raise UserError(self.env._(
                "Claim %(claims)s is replaced or cancelled: record the sending on the claim in force.",
                claims=", ".join(self.filtered(lambda c: c.state != "issued").mapped("name")),
            ))
        res = super().write(vals)
        if sending:
            self._debt_log_sending()
        return res

    def _debt_log_sending(self):
        channels = dict(self._fields["send_channel"]._description_selection(self.env))
        for claim in self.filtered(lambda c: c.case_id and c.sent_date):
            tracking = ", " + claim.tracking_ref if claim.tracking_ref else ""
            received = ""
            if claim.received_date:
                received = self.env._(", received on %(date)s", date=format_date(self.env, claim.received_date))
            claim.case_id._message_log(body=self.env._(
                "Claim %(claim)s sent on %(date)s (%(channel)s%(tracking)s)%(received)s; "
                "deadline %(deadline)s.",
                claim=claim.name, date=format_date(self.env, claim.sent_date),
                channel=channels.get(claim.send_channel, ""), tracking=tracking, received=received,
                deadline=format_date(self.env, claim.deadline),
            ))

    def _message_post_after_hook(self, message, msg_vals):
        """A claim e-mailed with its PDF counts as sent by e-mail on that day (when it was
        not recorded as sent otherwise)."""
        res = super()._message_post_after_hook(message, msg_vals)
        if (msg_vals.get("message_type") == "comment" and message.attachment_ids
                and msg_vals.get("partner_ids")):
            unsent = self.filtered(lambda c: c.state == "issued" and not c.sent_date)
            if unsent:
                unsent.write({"send_channel": "email", "sent_date": fields.Date.context_today(self)})
        return res

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
    def _debt_issue(self, partner, company, case=None, on_date=None, previous=None):
        """Create, number and freeze a claim for ``partner`` with its overdue items at
        ``on_date`` (``previous``: the claim it replaces). Refused when nothing is
        overdue, so that no number is wasted."""
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
            periods = _freeze(pen.get("periods") or [])
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
        Frozen = self.with_context(debt_claim_freeze=FREEZE_TOKEN)
        claim = Frozen.create({
            "name": seq.next_by_code("debt.claim", sequence_date=on_date) or "/",
            "date": on_date,
            "deadline_days": days,
            "partner_id": partner.id,
            "company_id": company.id,
            "case_id": case.id if case else False,
            "previous_claim_id": previous.id if previous else False,
            "line_ids": line_vals,
        })
        # The text is assembled with the company's records, whoever issues the claim
        # (a collector limited to their own sales documents sees the same letter).
        values = claim.sudo().with_company(company)._debt_build_letter_values()
        claim.with_context(debt_claim_freeze=FREEZE_TOKEN).sudo().write({"letter_values": _freeze(values)})
        if previous:
            previous.sudo().write({"state": "replaced", "replaced_by_id": claim.id})
            previous._message_log(body=self.env._("Replaced by claim %(claim)s.", claim=claim.name))
        if case:
            claim._debt_record_on_case()
        return claim

    def _debt_record_on_case(self):
        for claim in self.filtered("case_id"):
            if claim.case_id.claim_id != claim:
                claim.case_id.sudo().claim_id = claim

    def action_cancel(self):
        """A cancelled claim is kept for the record; the next print issues a new number."""
        if not self.env.user.has_group("auto_service_debt.group_debt_manager"):
            raise UserError(self.env._("Only a debt manager may cancel a claim letter."))
        self.write({"state": "cancelled"})
        cases = self.case_id.sudo().filtered(lambda c: c.claim_id in self)
        cases.claim_id = False
        return True

    def action_reissue(self):
        """The claim changed (payments, a car put on hold, other items): issue a new claim,
        with a new number, that replaces this one and says so."""
        self.ensure_one()
        if not self.env.user.has_group("auto_service_debt.group_debt_collector"):
            raise UserError(self.env._("Only debt collectors and managers may issue claim letters."))
        if self.state != "issued":
            raise UserError(self.env._(
                "Claim %(claim)s is not in force: issue a new claim from the case.", claim=self.name))
        new = self._debt_issue(self.partner_id, self.company_id, case=self.case_id or None,
                               previous=self)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_print(self):
        self.ensure_one()
        if self.state == "cancelled":
            raise UserError(self.env._(
                "Claim %(number)s is cancelled: print a new claim from the case instead.",
                number=self.name,
            ))
        # A replaced claim still prints (it was sent as it is), as its frozen PDF.
        return self.env.ref("auto_service_debt.action_report_claim_letter").report_action(self)

    def action_send_email(self):
        """Open the mail composer with the claim letter attached."""
        self.ensure_one()
        if self.state != "issued":
            raise UserError(self.env._(
                "Claim %(number)s is replaced or cancelled: it cannot be sent.", number=self.name,
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
    def _debt_bank_values(self, company, amount=None, purpose=None, payer=None):
        """The company's bank account in its own currency (or without currency), with the
        payment QR code (ГОСТ Р 56042-2014) for ``amount`` and ``purpose`` when asked for:
        ``qr`` (an image data URI) or ``qr_error`` (what to set on the account)."""
        bank = self._debt_company_bank(company)
        if not bank:
            return {}
        values = {
            "acc_number": bank.acc_number or "",
            "bank_name": bank.bank_id.name or "",
            "bic": bank.bank_id.bic or "",
            "corr_account": bank.bank_id.debt_corr_account or "",
            "holder": company.name,
        }
        if amount and company.currency_id.name == "RUB":
            # Odoo's QR mechanism of bank accounts, with the Russian method
            currency = company.currency_id
            qr_vals = bank._build_qr_code_vals(amount, purpose, purpose, currency, payer, qr_method="ru_gost")
            if qr_vals:
                values["qr"] = bank._get_qr_code_base64(**qr_vals)
                values["qr_text"] = bank._get_qr_vals(**qr_vals)
            else:
                values["qr_error"] = bank._get_error_messages_for_qr("ru_gost", payer, currency) or \
                    bank._check_for_qr_code_errors("ru_gost", amount, currency, payer, purpose, purpose)
        return values

    @api.model
    def _debt_company_bank(self, company):
        """The company's bank account in its own currency (or without currency)."""
        return company.partner_id.bank_ids.filtered(
            lambda b: not b.currency_id or b.currency_id == company.currency_id
        )[:1]

    @api.model
    def _debt_qr_url(self, company, amount, purpose, payer, bank=None, base_url=None):
        """The absolute URL of the payment QR image (Odoo's barcode route) for an e-mail,
        or ``False`` when the company's account cannot give one (roubles only); ``bank``
        and ``base_url``, when given, are the company's account and address."""
        if bank is None:
            bank = self._debt_company_bank(company)
        if not bank or not amount or company.currency_id.name != "RUB":
            return False
        qr_vals = bank._build_qr_code_vals(amount, purpose, purpose, company.currency_id, payer,
                                           qr_method="ru_gost")
        url = qr_vals and bank._get_qr_code_url(**qr_vals)
        return f"{base_url or company.get_base_url()}{url}" if url else False

    def _get_claim_letter_values(self):
        """Everything the claim letter prints, as frozen when the claim was issued
        (amounts as floats rounded to the currency, dates as ``date``)."""
        self.ensure_one()
        if self.letter_values:
            return _thaw(self.letter_values)
        return self.sudo().with_company(self.company_id)._debt_build_letter_values()

    @api.model
    def _debt_currency_label(self, currency, lang):
        """How the letter names the currency: «руб.» in Russian, else its code."""
        if currency.name == "RUB" and (lang or "").startswith("ru"):
            return "руб."
        return currency.name

    @api.model
    def _debt_amount_words(self, currency, amount, lang):
        """The amount in words: roubles in Russian grammar («рублей», «копейки»), other
        currencies and languages as Odoo spells them."""
        if not currency:
            return ""
        if currency.name == "RUB" and (lang or "").startswith("ru"):
            words = num2words(currency.round(amount), lang="ru", to="currency", currency="RUB")
            return words[:1].upper() + words[1:]
        return currency.with_context(lang=lang).amount_to_text(amount)

    def _debt_build_letter_values(self):
        """Assemble the letter from the claim's frozen items and the company's records
        (called with the company's rights: the text must not depend on who issues it)."""
        self.ensure_one()
        company, partner, cur = self.company_id, self.partner_id, self.currency_id
        lang = partner.lang or "en_US"
        moves = self.line_ids.move_id
        orders = moves.invoice_line_ids.sale_line_ids.order_id.sorted(lambda o: (o.date_order, o.id))
        vehicles = moves.debt_vehicle_id | orders.debt_vehicle_id
        items, annex, kinds, pending = [], [], set(), []
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
            if not line.penalty_kind:
                continue
            kinds.add(line.penalty_kind)
            if not line.penalty_periods:
                # due after the last known key rate: nothing computed yet, no empty table
                pending.append(line.number)
                continue
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
        held = self._debt_held_vehicles()
        car_held = bool(self.case_id.car_held or held)
        articles = ["309", "310", "702", "711"]
        if "contract" in kinds:
            articles.append("330")
        if "key_rate" in kinds:
            articles.append("395")
        if car_held:
            articles.append("712")
        contract_ref = partner.debt_penalty_contract_ref if "debt_penalty_contract_ref" in partner else False
        attachments = []
        if orders:
            attachments.append("orders")
        attachments.append("invoices")
        if annex or pending:
            attachments.append("calculation")
        totals = {
            "principal": self.principal_amount,
            "penalties": self.penalty_amount,
            "total": self.total_amount,
        }
        provisional = any(a["provisional"] for a in annex) or bool(pending)
        return {
            "number": self.name,
            "date": self.date,
            "deadline_days": self.deadline_days,
            "deadline_from": "sending" if partner.is_company else "receipt",
            "lang": lang,
            "currency": self._debt_currency_label(cur, lang),
            "sender": dict(self._debt_party_values(company.partner_id), name=company.name),
            "addressee": self._debt_party_values(partner),
            "replaces": {
                "number": self.previous_claim_id.name, "date": self.previous_claim_id.date,
            } if self.previous_claim_id else {},
            "basis": {
                "orders": [{
                    "number": o.name,
                    "date": o.date_order.date(),
                    "plate": o.debt_vehicle_id.license_plate or "",
                    "vin": o.debt_vehicle_id.vin_sn or "",
                    "model": o.debt_vehicle_id.model_id.display_name or "",
                } for o in orders],
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
            "provisional": provisional,
            "known_until": company.debt_key_rate_known_until if provisional else False,
            "pending": pending,
            "totals": totals,
            "words": {
                key: self._debt_amount_words(cur, amount, lang) for key, amount in totals.items()
            },
            "legal": {
                "articles": articles,
                "car_held": car_held,
                "held_vehicles": [
                    {"plate": v.license_plate or "", "vin": v.vin_sn or ""} for v in held
                ],
                "court": "arbitrazh" if partner.is_company else "general",
            },
            "payment": self._debt_bank_values(
                company, self.total_amount,
                self.with_context(lang=lang).env._(
                    "Payment under claim No. %(number)s dated %(date)s", number=self.name,
                    date=format_date(self.env(context=dict(self.env.context, lang=lang)), self.date)),
                partner,
            ),
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
        return format_date(self.env, fields.Date.to_date(value), lang_code=lang) if value else ""

    def _debt_fmt_rate(self, rate, lang=None):
        return formatLang(self.env(context=dict(self.env.context, lang=lang or self.env.lang)), rate, digits=4).rstrip("0").rstrip(",.")
