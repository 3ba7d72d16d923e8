"""What a collection agency reports on a case: progress, and the amounts it collected
(booked as the customer's payment and the agency's commission bill)."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# What a booked collection may not change any more: its payment and bill are made of it.
BOOKED_FIELDS = frozenset({"case_id", "agreement_id", "kind", "amount", "date", "commission_percent"})


class DebtAgencyReport(models.Model):
    """A dated entry of the agency's work on a case: a progress report or an amount
    collected."""

    _name = "debt.agency.report"
    _description = "Collection Agency Report"
    _order = "date desc, id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "debt.collection.case", string="Case", required=True, index=True, ondelete="cascade",
        check_company=True,
    )
    agreement_id = fields.Many2one(
        "debt.agency.agreement", string="Agency Agreement", required=True, index=True,
        ondelete="restrict", check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(related="case_id.partner_id", string="Customer", store=True)
    agency_partner_id = fields.Many2one(related="agreement_id.partner_id", string="Collection Agency")
    date = fields.Date(required=True, default=fields.Date.context_today)
    kind = fields.Selection(
        [("progress", "Progress report"), ("collected", "Amount collected")],
        required=True, default="progress",
    )
    note = fields.Text(string="Report")
    amount = fields.Monetary(string="Amount Collected")
    reference = fields.Char(help="The agency's reference of the collected amount (payment order, receipt).")
    commission_percent = fields.Float(string="Commission (%)", digits=(5, 2), readonly=True)
    commission_amount = fields.Monetary(string="Commission", readonly=True)
    payment_id = fields.Many2one("account.payment", string="Customer Payment", readonly=True, copy=False)
    bill_id = fields.Many2one("account.move", string="Commission Bill", readonly=True, copy=False)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        case = self.env["debt.collection.case"].browse(res.get("case_id"))
        if case and not res.get("agreement_id"):
            res["agreement_id"] = case.agency_agreement_id.id
        if case and "company_id" in fields_list:
            res["company_id"] = case.company_id.id
        return res

    @api.model_create_multi
    def create(self, vals_list):
        Case = self.env["debt.collection.case"]
        for vals in vals_list:
            case = Case.browse(vals.get("case_id"))
            if case:
                vals.setdefault("company_id", case.company_id.id)
                vals.setdefault("agreement_id", case.agency_agreement_id.id)
                if not vals["agreement_id"]:
                    raise UserError(self.env._(
                        "Case %(case)s is not handed over to a collection agency: hand it over "
                        "before recording the agency's reports and collections.", case=case.name,
                    ))
                if vals.get("kind") == "collected":
                    case._debt_check_amount_owed(
                        vals.get("amount"), fields.Date.to_date(vals.get("date")) or fields.Date.context_today(self)
                    )
        reports = super().create(vals_list)
        reports._debt_check_entries()
        collected = reports.filtered(lambda r: r.kind == "collected")
        collected._debt_book()
        for report in reports:
            report.case_id._message_log(body=report._debt_log_text())
        self.env["debt.collection.case.history"].sudo().create([
            report.case_id._debt_history_values(
                "agency_collected", report.date, report._debt_log_text(), report.agreement_id
            )
            for report in collected
        ])
        return reports

    def write(self, vals):
        if BOOKED_FIELDS & set(vals) and any(r.payment_id or r.bill_id for r in self):
            raise UserError(self.env._(
                "The collection %(ref)s of case %(case)s is booked (payment and commission bill): "
                "it cannot be changed. Cancel the payment and the bill in Accounting and record "
                "the right amount as a new entry.",
                ref=self[:1].reference or self[:1].date, case=self[:1].case_id.name,
            ))
        return super().write(vals)

    def _debt_check_entries(self):
        for report in self:
            case = report.case_id
            if report.kind == "progress" and not report.note:
                raise ValidationError(self.env._(
                    "Case %(case)s: write what the agency reports.", case=case.name,
                ))
            if report.kind == "collected" and case.agency_agreement_id != report.agreement_id:
                raise ValidationError(self.env._(
                    "Case %(case)s is not handed over under agency agreement %(agreement)s: "
                    "record the collection on a case the agency works.",
                    case=case.name, agreement=report.agreement_id.name,
                ))

    def _debt_log_text(self):
        self.ensure_one()
        if self.kind == "progress":
            return self.env._(
                "Agency %(agency)s reports (%(date)s): %(note)s",
                agency=self.agency_partner_id.display_name, date=self.date, note=self.note,
            )
        return self.env._(
            "Agency %(agency)s collected %(amount)s on %(date)s (%(ref)s); commission %(commission)s.",
            agency=self.agency_partner_id.display_name,
            amount=self.currency_id.format(self.amount), date=self.date, ref=self.reference or "-",
            commission=self.currency_id.format(self.commission_amount),
        )

    def _debt_book(self):
        """The customer's payment of each collected amount (matched with the oldest open
        items) and the agency's commission bill."""
        bills = []
        for report in self:
            agreement = report.agreement_id
            currency = report.currency_id
            memo = self.env._("Collected by %(agency)s, case %(case)s",
                              agency=agreement.partner_id.display_name, case=report.case_id.name)
            if report.reference:
                memo = ", ".join([memo, report.reference])
            payment = report.case_id._debt_record_payment(
                report.amount, report.date, memo, agreement._debt_payment_journal(),
            )
            commission = currency.round(report.amount * agreement.commission_percent / 100.0)
            vals = {"payment_id": payment.id, "commission_percent": agreement.commission_percent,
                    "commission_amount": commission}
            if not currency.is_zero(commission):
                bills.append((report, vals, commission))
            super(DebtAgencyReport, report).write(vals)
        for report, _vals, commission in bills:
            bill = report._debt_commission_bill(commission)
            super(DebtAgencyReport, report).write({"bill_id": bill.id})

    def _debt_commission_bill(self, commission):
        self.ensure_one()
        agreement = self.agreement_id
        account = agreement.expense_account_id
        if not account:
            raise UserError(self.env._(
                "Agency agreement %(name)s has no commission expense account: set one on the "
                "agreement before recording a collection.", name=agreement.name,
            ))
        bill = self.env["account.move"].sudo().with_company(self.company_id).create({
            "move_type": "in_invoice",
            "partner_id": agreement.partner_id.id,
            "company_id": self.company_id.id,
            "invoice_date": self.date,
            "date": self.date,
            "ref": self.reference or False,
            "invoice_line_ids": [fields.Command.create({
                "name": self.env._(
                    "Agency commission %(percent)s %% of %(amount)s collected, case %(case)s, "
                    "agreement %(agreement)s",
                    percent=agreement.commission_percent, amount=self.currency_id.format(self.amount),
                    case=self.case_id.name, agreement=agreement.name,
                ),
                "quantity": 1,
                "price_unit": commission,
                "account_id": account.id,
                "tax_ids": [fields.Command.clear()],
            })],
        })
        if agreement.post_bills:
            bill.action_post()
        return bill
