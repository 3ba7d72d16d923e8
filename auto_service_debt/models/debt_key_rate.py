"""Bank of Russia key rate history, the basis of interest under Civil Code art. 395,
entered by hand or imported from the Bank of Russia's DailyInfo web service."""

import logging
from datetime import timedelta

import psycopg2
import requests

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..tools import cbr_key_rate

_logger = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock that keeps two imports from overlapping.
KEY_RATE_IMPORT_LOCK = 0x6B657972  # "keyr"
# Seconds to connect to the service and to wait for its answer.
KEY_RATE_TIMEOUT = (10, 60)


class KeyRateImportError(UserError):
    """The import from the Bank of Russia failed. ``render(env)`` words the reason in
    ``env``'s language (the message is its wording for the user who ran the import)."""

    def __init__(self, env, render):
        self.render = render
        super().__init__(self.text(env))

    def text(self, env):
        return env._(
            "The key rates could not be imported from the Bank of Russia: %(reason)s. "
            "Nothing was changed; try again later or add the rates by hand.",
            reason=self.render(env).rstrip("."),
        )


def _reason(exc):
    """``render(env)`` of a :class:`cbr_key_rate.KeyRateError`."""

    def render(env):
        params = {
            key: format_date(env, value) if hasattr(value, "isoformat") else ("—" if value is None else value)
            for key, value in exc.params.items()
        }
        code = exc.code
        if code == "xml":
            return env._("the answer is not well-formed XML (%(detail)s)", **params)
        if code == "not_soap":
            return env._("the answer is not a SOAP envelope (it starts with <%(tag)s>)", **params)
        if code == "fault":
            return env._("the service answered with an error: %(fault)s", **params)
        if code == "no_result":
            return env._("the answer holds no KeyRateXMLResult with a KeyRate table")
        if code == "empty":
            return env._("the answer holds no key rate for the period")
        if code == "date":
            return env._("row %(row)s has no valid day (DT: %(value)s)", **params)
        if code == "rate":
            return env._("row %(row)s (%(date)s) has no valid rate (Rate: %(value)s)", **params)
        if code == "negative":
            return env._("the rate of %(date)s is not positive (%(value)s)", **params)
        if code == "duplicate":
            return env._("%(date)s is published twice with different rates (%(rates)s)", **params)
        if code == "conflict":
            return env._(
                "the service publishes %(published)s %% for %(date)s while the table gives "
                "%(table)s %%: check the table's rows against the Bank of Russia's site",
                **params,
            )
        return str(exc)

    return render


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
        # Rows loaded from the shipped data file confirm nothing; an import moves the
        # dates itself, to the last day the service published.
        if not self or self.env.context.get("install_filename") or self.env.context.get("debt_key_rate_import"):
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

    # ------------------------------------------------------------------
    # Import from the Bank of Russia (DailyInfo web service, KeyRateXML)
    # ------------------------------------------------------------------

    def _debt_check_import_manager(self):
        if not self.env.su and not self.env.user.has_group("auto_service_debt.group_debt_manager"):
            raise AccessError(self.env._(
                "Only a debt manager may import the key rates from the Bank of Russia."
            ))

    def action_debt_import_key_rates(self):
        """Button: import the rates published since the table's last row now; tell what
        was added, or raise the error (nothing is then changed)."""
        self._debt_check_import_manager()
        result = self._debt_import_key_rates()
        env = self.env
        if result["added"]:
            message = env._(
                "Imported from the Bank of Russia: %(rates)s. Key rates known up to %(date)s.",
                rates=", ".join(rate.display_name for rate in result["added"]),
                date=format_date(env, result["known_until"]),
            )
        else:
            message = env._(
                "The Bank of Russia has published no new key rate: the table is complete "
                "up to %(date)s.", date=format_date(env, result["known_until"]),
            )
        skipped = self.env.companies.filtered(lambda c: not c.debt_key_rate_import)
        if skipped:
            message += " " + env._(
                "%(companies)s: the import is off in the settings, so 'Key Rates Known Up "
                "To' was not moved; confirm the table with 'Table checked today' if it is "
                "complete.", companies=", ".join(skipped.mapped("name")),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": env._("Key rates imported"),
                "message": message,
                "sticky": bool(result["added"]),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_debt_import_key_rates(self):
        """Scheduled action: import for the companies that have the import on (none: do
        nothing). A failure changes nothing and is told to the debt managers."""
        companies = self.env["res.company"].sudo().search([("debt_key_rate_import", "=", True)])
        if not companies:
            return False
        try:
            with self.env.cr.savepoint():
                result = self._debt_import_key_rates(companies)
        except (KeyRateImportError, psycopg2.Error) as exc:
            if not isinstance(exc, KeyRateImportError):
                exc = KeyRateImportError(self.env, lambda env, text=str(exc): text)
            _logger.warning("Key-rate import from the Bank of Russia failed: %s", exc.args[0])
            companies._debt_key_rate_import_failed(fields.Date.context_today(self), exc)
            return False
        _logger.info(
            "Key-rate import from the Bank of Russia: %s change(s) added, known up to %s",
            len(result["added"]), result["known_until"],
        )
        return True

    @api.model
    def _debt_import_window(self, today):
        """``(date_from, date_to)`` to ask for: from the day after the table's last row
        (the first day of the key rate for an empty table), never after today, to today."""
        self.flush_model(["date_from"])
        self.env.cr.execute("SELECT max(date_from) FROM debt_key_rate")
        last = self.env.cr.fetchone()[0]
        date_from = min(last + timedelta(days=1), today) if last else cbr_key_rate.KEY_RATE_FIRST_DAY
        return date_from, today

    @api.model
    def _debt_fetch_key_rates(self, date_from, date_to):
        """The raw answer (bytes) of ``KeyRateXML`` for the period; a network or HTTP
        failure raises :class:`KeyRateImportError`."""
        url = cbr_key_rate.SERVICE_URL
        try:
            response = requests.post(
                url,
                data=cbr_key_rate.key_rate_request(date_from, date_to),
                headers=cbr_key_rate.REQUEST_HEADERS,
                timeout=KEY_RATE_TIMEOUT,
            )
        except requests.RequestException as exc:
            error = str(exc) or type(exc).__name__
            raise KeyRateImportError(self.env, lambda env: env._(
                "the web service %(url)s could not be reached (%(error)s)", url=url, error=error,
            )) from exc
        if response.status_code != 200:
            # A SOAP fault comes with status 500: its text says more than the status.
            try:
                cbr_key_rate.parse_key_rate_response(response.content)
            except cbr_key_rate.KeyRateError as exc:
                if exc.code == "fault":
                    raise KeyRateImportError(self.env, _reason(exc)) from exc
            status = response.status_code
            raise KeyRateImportError(self.env, lambda env: env._(
                "the web service %(url)s answered with HTTP status %(status)s", url=url, status=status,
            ))
        return response.content

    @api.model
    def _debt_import_key_rates(self, companies=None):
        """Fetch the rates published since the table's last row, add the changes the
        table lacks and move 'Key Rates Known Up To' of ``companies`` with the import on
        (default: every such company) to the last day published.

        Everything is read and checked before anything is written: an error raises
        :class:`KeyRateImportError` with the table and the dates unchanged. Returns
        ``{"added": new rows, "known_until": last day published, "companies": the
        companies whose date was moved}``."""
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", KEY_RATE_IMPORT_LOCK))
        if not cr.fetchone()[0]:
            raise KeyRateImportError(self.env, lambda env: env._(
                "another import is running: try again in a minute"
            ))
        today = fields.Date.context_today(self)
        date_from, date_to = self._debt_import_window(today)
        content = self._debt_fetch_key_rates(date_from, date_to)
        try:
            daily = cbr_key_rate.parse_key_rate_response(content)
            changes = cbr_key_rate.new_key_rate_changes(self._debt_rate_table(), daily)
        except cbr_key_rate.KeyRateError as exc:
            raise KeyRateImportError(self.env, _reason(exc)) from exc
        known_until = daily[-1][0]
        Company = self.env["res.company"].sudo()
        companies = Company.search([]) if companies is None else companies.sudo()
        moved = companies.filtered("debt_key_rate_import")
        added = self.with_context(debt_key_rate_import=True).create([
            {"date_from": day, "rate": float(rate)} for day, rate in changes
        ])
        moved._debt_move_key_rate_known_until(known_until)
        return {"added": added.sorted("date_from"), "known_until": known_until, "companies": moved}
