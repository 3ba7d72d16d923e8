"""Bank of Russia key rate history, the basis of interest under Civil Code art. 395."""


from odoo import api, fields, models
from odoo.exceptions import AccessError


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
