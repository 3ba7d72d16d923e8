"""Bank of Russia key rate history, the basis of interest under Civil Code art. 395."""

from datetime import date

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_date


class DebtKeyRate(models.Model):
    """One change of the key rate: the rate holds from ``date_from`` until the day
    before the next row. The table is national, hence shared by all companies; how far
    it is known to be complete is a company setting."""

    _name = "debt.key.rate"
    _description = "Key Rate"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc"
    _rec_name = "date_from"

    date_from = fields.Date(
        string="Applies From", required=True, tracking=True,
        help="First day on which this rate applies.",
    )
    rate = fields.Float(
        string="Rate (% per year)", required=True, digits=(5, 2), tracking=True,
    )

    _sql_constraints = [
        ("date_from_uniq", "unique(date_from)", "There is already a key rate for this date."),
        ("rate_positive", "CHECK(rate >= 0)", "A key rate cannot be negative."),
    ]

    @api.depends("date_from", "rate")
    def _compute_display_name(self):
        for rec in self:
            rate = format(rec.rate, ".2f")
            rec.display_name = self.env._(
                "%(rate)s%% from %(date)s", rate=rate, date=rec.date_from
            ) if rec.date_from else ""

    @api.model
    def _debt_rate_table(self):
        """``[(date_from, rate)]`` sorted by date, for the pure penalty computation."""
        self.flush_model(["date_from", "rate"])
        self.env.cr.execute("SELECT date_from, rate FROM debt_key_rate ORDER BY date_from")
        # str() keeps the two decimals the table was entered with, for exact Decimal maths
        return [(d, f"{rate:.2f}") for d, rate in self.env.cr.fetchall()]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._debt_confirm_table()
        return records

    def write(self, vals):
        res = super().write(vals)
        if "date_from" in vals or "rate" in vals:
            self._debt_confirm_table()
        return res

    def _debt_confirm_table(self):
        """A manager who enters a rate has just checked the Bank of Russia's table: the
        rates are then known up to today (or to the new row's date when it is later)."""
        # Rows loaded from the shipped data file confirm nothing.
        if not self or self.env.context.get("install_filename"):
            return
        today = fields.Date.context_today(self)
        until = max([today] + self.mapped("date_from"))
        self.env.companies.sudo()._debt_move_key_rate_known_until(until)

    def action_debt_confirm_known_today(self):
        """Button: the table was checked today and is complete."""
        if not self.env.user.has_group("auto_service_debt.group_debt_manager"):
            raise AccessError(self.env._("Only a debt manager may confirm the key-rate table."))
        self.env.companies.sudo()._debt_move_key_rate_known_until(
            fields.Date.context_today(self)
        )
        return True


# The shipped table holds every change published up to this day.
KEY_RATES_SHIPPED_UNTIL = date(2026, 10, 25)


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_key_rate_known_until = fields.Date(
        string="Key Rates Known Up To",
        default=KEY_RATES_SHIPPED_UNTIL,
        help="Last day for which the key-rate table is known to be complete. Interest "
        "for later days is never assumed: it stops at this date and is marked provisional "
        "until a manager adds the new rates or moves this date after checking the Bank "
        "of Russia's site.",
    )
    debt_key_rate_alert_date = fields.Date(
        string="Key-Rate Reminder Sent For",
        copy=False,
        help="'Known up to' date for which managers were last asked to update the table.",
    )

    def _debt_move_key_rate_known_until(self, until):
        """Move the 'known up to' date forward (never back) to ``until``."""
        self.filtered(
            lambda c: not c.debt_key_rate_known_until or c.debt_key_rate_known_until < until
        ).write({"debt_key_rate_known_until": until})

    def _debt_key_rate_notify(self, today):
        """Ask the debt managers once per 'known up to' date to update the key rates:
        an activity on the latest key-rate row, never a second one for the same date."""
        managers = self.env.ref("auto_service_debt.group_debt_manager").sudo().users
        rate = self.env["debt.key.rate"].sudo().search([], order="date_from desc", limit=1)
        for company in self.sudo():
            known = company.debt_key_rate_known_until
            if not known or today <= known or company.debt_key_rate_alert_date == known:
                continue
            company.debt_key_rate_alert_date = known
            if not rate:
                continue
            users = managers.filtered(lambda u, c=company: c in u.company_ids and not u.share)
            # Managers who still have an open reminder on the table need no second one.
            already = rate.activity_ids.user_id
            for user in users - already:
                rate.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=today,
                    summary=self.env._("Key rates known only up to %(date)s",
                                       date=format_date(self.env, known)),
                    note=self.env._(
                        "Interest under art. 395 for %(company)s stops at %(date)s and is "
                        "provisional. Add the key rates published since then (Debt Control > "
                        "Configuration > Key Rates), or move 'Key Rates Known Up To' in the "
                        "settings after checking the Bank of Russia's site.",
                        company=company.name, date=format_date(self.env, known),
                    ),
                    user_id=user.id,
                )
