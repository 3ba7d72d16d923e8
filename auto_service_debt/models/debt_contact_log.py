"""Calls, SMS and meetings with debtors, counted against the 230-FZ limits."""

from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import contact_rules

DEFAULT_TZ = "Europe/Moscow"


class DebtContactLog(models.Model):
    """One interaction with a debtor. Outgoing calls and SMS to individuals are
    limited per day, week and month and allowed only within the legal hours."""

    _name = "debt.contact.log"
    _description = "Debtor Contact"
    _order = "date desc, id desc"

    case_id = fields.Many2one("debt.collection.case", string="Case", index=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    channel = fields.Selection(
        [("call", "Phone call"), ("sms", "SMS"), ("email", "E-mail"), ("meeting", "Meeting")],
        required=True,
        default="call",
    )
    direction = fields.Selection(
        [("out", "Outgoing"), ("in", "Incoming")],
        required=True,
        default="out",
        help="Only contacts started by the shop count against the legal limits.",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user)
    result = fields.Selection(
        [
            ("reached", "Reached"),
            ("no_answer", "No answer"),
            ("promise", "Promised to pay"),
            ("refused", "Refused to pay"),
            ("callback", "Asked to call back"),
            ("wrong", "Wrong number"),
        ],
        string="Result",
    )
    note = fields.Text()
    limit_exception = fields.Boolean(
        string="Limit Exception",
        readonly=True,
        help="Recorded by a manager beyond the legal hours or limits, with a reason.",
    )
    exception_reason = fields.Char(readonly=True)

    @api.model
    def _debt_partner_tz(self, partner):
        """The debtor's time zone: the partner's, else the company's or the user's,
        else Moscow."""
        return (
            partner.tz
            or self.env.company.partner_id.tz
            or self.env.user.tz
            or DEFAULT_TZ
        )

    @api.model
    def _debt_to_local(self, partner, utc_dt):
        tz = pytz.timezone(self._debt_partner_tz(partner))
        return pytz.utc.localize(utc_dt).astimezone(tz).replace(tzinfo=None)

    @api.model
    def _debt_to_utc(self, partner, local_dt):
        tz = pytz.timezone(self._debt_partner_tz(partner))
        return tz.localize(local_dt).astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _debt_is_limited(self, partner):
        """230-FZ protects individuals; legal entities and sole traders are not limited."""
        return not partner.commercial_partner_id.is_company

    @api.model
    def _debt_previous_days(self, partners, channel, until):
        """Local dates of the outgoing contacts of ``channel`` with each of ``partners``
        in the month before ``until`` (UTC), in one query."""
        since = until - timedelta(days=32)
        logs = self.search_read(
            [
                ("partner_id", "in", partners.ids),
                ("channel", "=", channel),
                ("direction", "=", "out"),
                ("date", ">=", since),
                ("date", "<=", until + timedelta(days=62)),
            ],
            ["partner_id", "date"],
        )
        by_partner = {pid: [] for pid in partners.ids}
        for log in logs:
            partner = partners.browse(log["partner_id"][0])
            by_partner[partner.id].append(self._debt_to_local(partner, log["date"]).date())
        return by_partner

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = (
                    self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
                )
        if any(vals.get("limit_exception") for vals in vals_list):
            if not self.env.user.has_group("auto_service_debt.group_debt_manager"):
                raise UserError(self.env._(
                    "Only a debt manager may record a contact beyond the legal limits."
                ))
            if any(vals.get("limit_exception") and not (vals.get("exception_reason") or "").strip()
                   for vals in vals_list):
                raise UserError(self.env._(
                    "Give the reason for the exception to the contact limits."
                ))
        self._debt_check_rules(vals_list)
        return super().create(vals_list)

    @api.model
    def _debt_check_rules(self, vals_list):
        """Refuse outgoing calls and SMS to individuals beyond the legal hours or limits,
        unless a manager records an exception with a reason. Checked before anything is
        written, so a refused contact leaves no trace."""
        Partner = self.env["res.partner"]
        pending = []
        for vals in vals_list:
            partner = Partner.browse(vals.get("partner_id"))
            channel = vals.get("channel", "call")
            if (
                vals.get("direction", "out") != "out"
                or vals.get("limit_exception")
                or channel not in ("call", "sms")
                or not partner
                or not self._debt_is_limited(partner)
            ):
                continue
            when = fields.Datetime.to_datetime(vals.get("date")) or fields.Datetime.now()
            local = self._debt_to_local(partner, when)
            if not contact_rules.is_allowed_time(local):
                start, end = contact_rules.allowed_hours(local.date())
                raise UserError(self.env._(
                    "%(partner)s may be contacted only from %(start)s:00 to %(end)s:00 local "
                    "time on %(day)s (Federal Law 230-FZ); it is %(time)s there. Contact the "
                    "customer later, or ask a manager to record an exception with a reason.",
                    partner=partner.display_name, start=start, end=end,
                    day=local.date(), time=local.strftime("%H:%M"),
                ))
            days = self._debt_previous_days(partner, channel, when)[partner.id]
            days += [day for other, other_channel, day in pending if other == partner and other_channel == channel]
            limits = contact_rules.LIMITS[channel]
            exceeded = contact_rules.exceeded_limit(local.date(), days, limits)
            if exceeded:
                limit = dict(zip(("day", "week", "month"), limits, strict=False))[exceeded]
                period = {
                    "day": self.env._("day"),
                    "week": self.env._("week (7 days)"),
                    "month": self.env._("month"),
                }[exceeded]
                label = dict(self._fields["channel"]._description_selection(self.env))[channel]
                raise UserError(self.env._(
                    "%(partner)s already had %(limit)s %(channel)s contact(s) this %(period)s: "
                    "Federal Law 230-FZ allows no more to an individual debtor. Log it later, "
                    "or ask a manager to record an exception with a reason.",
                    partner=partner.display_name, limit=limit, channel=label, period=period,
                ))
            pending.append((partner, channel, local.date()))

    @api.model
    def _debt_next_send_moments(self, partners, now=None, channel="email"):
        """When an automated message of ``channel`` (e-mail or SMS) may leave for each of
        ``partners``: ``{partner_id: naive UTC datetime or False}`` (False = at once).

        Individuals get it within the allowed hours of their time zone; an SMS also
        within the message limits, an e-mail when the company counts e-mails."""
        now = now or fields.Datetime.now()
        result = {}
        limited = partners.filtered(self._debt_is_limited)
        previous = {}
        if limited and (channel == "sms" or self.env.company.debt_230_limit_email):
            previous = self._debt_previous_days(limited, channel, now)
        for partner in partners:
            if partner not in limited:
                result[partner.id] = False
                continue
            local = self._debt_to_local(partner, now)
            limits = contact_rules.LIMITS[channel] if partner.id in previous else None
            slot = contact_rules.next_allowed_slot(local, previous.get(partner.id, ()), limits)
            result[partner.id] = False if slot == local else self._debt_to_utc(partner, slot)
        return result

    @api.model
    def _debt_log_emails(self, moments, company):
        """Record automated e-mails as contacts when the company counts them against the
        limits: ``moments`` = {partner_id: scheduled UTC datetime or False}."""
        if company.debt_230_limit_email:
            self._debt_log_contacts(moments, company, "email", limited_only=True)

    @api.model
    def _debt_log_contacts(self, moments, company, channel, limited_only=False):
        """Record automated messages of ``channel`` as outgoing contacts at the moment
        each leaves (``moments`` = {partner_id: scheduled UTC datetime or False}), so
        that the next message counts them against the limits."""
        if not moments:
            return
        now = fields.Datetime.now()
        partners = self.env["res.partner"].browse(list(moments))
        if limited_only:
            partners = partners.filtered(self._debt_is_limited)
        self.sudo().create([
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "channel": channel,
                "direction": "out",
                "date": moments[partner.id] or now,
                "note": self.env._("Automated reminder"),
            }
            for partner in partners
        ])
