"""The owner's overview of the current company's debt (Debt Control → Overview): every
figure in a handful of set-based queries, the debt figures from the debt position, each
with the action that opens the records behind it."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, date_utils

#: Window of the credit sales that the DSO relates the receivable to, in days.
DSO_DAYS = 90

#: The aging report's overdue buckets: (column, first and last day of lateness).
AGING_BUCKETS = (
    ("days_1_30", 1, 30),
    ("days_31_60", 31, 60),
    ("days_61_90", 61, 90),
    ("days_90_plus", 91, None),
)

#: Number of debtors in the top list.
TOP_DEBTORS = 10

#: States of a customer payment that is posted (Odoo 18: in process until matched with
#: the bank statement, then paid).
POSTED_PAYMENT_STATES = ("in_process", "paid")


class DebtDashboard(models.AbstractModel):
    """Figures of the Debt Control overview for the current company, with their
    drill-down actions (see :meth:`get_dashboard_data`)."""

    _name = "debt.dashboard"
    _description = "Debt Control Overview"

    @api.model
    def get_dashboard_data(self, today=None):
        """All figures of the overview for the user's current company (company
        currency), at ``today`` (default: the user's today).

        - overdue and its aging buckets, receivable, top debtors, amounts of the open
          cases per stage: from the aging statement of the debt position (one query);
        - DSO = receivable open now / credit sales of the last ``DSO_DAYS`` days
          (posted customer invoices less credit notes) × ``DSO_DAYS``;
        - collected: posted inbound customer payments dated this month (to date) and
          last month;
        - promises due today (open) and broken this week (promised date from Monday on);
        - blocked customers (the stored flag), vehicles on hold.

        Each figure carries ``action``: an ``ir.actions.act_window`` whose domain selects
        exactly the records counted. For Debt Collectors and Managers; a Viewer is
        refused (the figures read accounting data a Viewer has no right to)."""
        if not self.env.user.has_group("auto_service_debt.group_debt_collector"):
            raise AccessError(self.env._(
                "The debt overview is for Debt Collectors and Debt Managers; ask a Debt Manager for access."
            ))
        company = self.env.company
        today = fields.Date.to_date(today) if today else fields.Date.context_today(self)
        currency = company.currency_id
        position = self._debt_position_figures(company, today)
        data = {
            "company": company.name,
            "today": fields.Date.to_string(today),
            "currency": {"symbol": currency.symbol, "position": currency.position,
                         "digits": currency.decimal_places},
        }
        data.update(self._debt_overdue_figures(company, today, position))
        data["dso"] = self._debt_dso_figures(company, today, position)
        data["collected"] = self._debt_collected_figures(company, today)
        data["promises"] = self._debt_promise_figures(company, today)
        data["stages"] = self._debt_stage_figures(company, position)
        data["top_debtors"] = self._debt_top_debtors(company, today, position)
        data["blocked"] = self._debt_blocked_figure(company)
        data["holds"] = self._debt_hold_figure(company)
        return data

    # ------------------------------------------------------------------
    # The debt position: one statement
    # ------------------------------------------------------------------

    @api.model
    def _debt_position_figures(self, company, today):
        """Totals, the top debtors and the open cases' overdue per stage, from the rows
        of the aging report (``debt.aging.report._aging_query``: the position's overdue,
        per customer) at ``today``, in one statement."""
        Position = self.env["debt.position"]
        Position._flush_position()
        self.env["debt.collection.case"].flush_model(["partner_id", "company_id", "state", "stage_id"])
        digits = company.currency_id.decimal_places
        rows = self.env["debt.aging.report"]._aging_query(
            today, company.id, None, Position._receivable_account_ids(company),
        )
        buckets = SQL(", ").join(
            SQL("%s, ROUND(COALESCE(SUM(%s), 0), %s)", key, SQL.identifier(key), digits)
            for key, _first, _last in AGING_BUCKETS
        )
        self.env.cr.execute(SQL(
            """
            WITH aging AS (%(rows)s)
            SELECT (SELECT json_build_object(
                        'overdue', ROUND(COALESCE(SUM(overdue), 0), %(digits)s),
                        'receivable', ROUND(COALESCE(SUM(total), 0), %(digits)s),
                        'debtors', COUNT(*) FILTER (WHERE overdue > 0),
                        %(buckets)s)
                      FROM aging),
                   (SELECT json_agg(json_build_array(partner_id, overdue, max_days_late)
                                    ORDER BY overdue DESC, partner_id)
                      FROM (SELECT partner_id, ROUND(overdue, %(digits)s) AS overdue, max_days_late
                              FROM aging WHERE overdue > 0
                          ORDER BY overdue DESC, partner_id LIMIT %(top)s) top),
                   (SELECT json_agg(json_build_array(stage_id, cases, overdue))
                      FROM (SELECT c.stage_id, COUNT(*) AS cases,
                                   ROUND(COALESCE(SUM(aging.overdue), 0), %(digits)s) AS overdue
                              FROM debt_collection_case c
                              JOIN res_partner cp ON cp.id = c.partner_id
                         LEFT JOIN aging ON aging.partner_id = cp.commercial_partner_id
                             WHERE c.company_id = %(company)s AND c.state = 'open'
                          GROUP BY c.stage_id) stages)
            """,
            rows=rows, digits=digits, buckets=buckets, top=TOP_DEBTORS, company=company.id,
        ))
        totals, top, stages = self.env.cr.fetchone()
        return {"totals": totals, "top": top or [], "stages": stages or []}

    @api.model
    def _debt_overdue_figures(self, company, today, position):
        Position = self.env["debt.position"]
        totals = position["totals"]
        overdue_domain = Position._overdue_line_domain(company, today)
        aging = []
        Aging = self.env["debt.aging.report"]
        for key, first, last in AGING_BUCKETS:
            domain = list(overdue_domain)
            if last is not None:
                domain.append(("date_maturity", ">=", fields.Date.to_string(today - timedelta(days=last))))
            domain.append(("date_maturity", "<=", fields.Date.to_string(today - timedelta(days=first))))
            label = Aging._fields[key]._description_string(self.env)
            aging.append({
                "key": key, "label": label, "amount": totals[key],
                "action": self._debt_lines_action(
                    self.env._("Overdue %(bucket)s", bucket=label), domain),
            })
        return {
            "overdue": {
                "amount": totals["overdue"], "debtors": totals["debtors"],
                "action": self._debt_lines_action(self.env._("Overdue Items"), overdue_domain),
            },
            "aging": aging,
        }

    @api.model
    def _debt_dso_figures(self, company, today, position):
        receivable = position["totals"]["receivable"]
        start = today - timedelta(days=DSO_DAYS - 1)
        domain = [
            ("company_id", "=", company.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("invoice_date", ">=", fields.Date.to_string(start)),
            ("invoice_date", "<=", fields.Date.to_string(today)),
        ]
        [(sales,)] = self.env["account.move"]._read_group(domain, aggregates=["amount_total_signed:sum"])
        sales = company.currency_id.round(sales or 0.0)
        receivable_domain = self.env["debt.position"]._due_line_domain(company) + [("partner_id", "!=", False)]
        return {
            "days": round(receivable / sales * DSO_DAYS, 1) if sales > 0 else None,
            "window": DSO_DAYS,
            "receivable": {
                "amount": receivable,
                "action": self._debt_lines_action(self.env._("Open Receivables"), receivable_domain),
            },
            "sales": {
                "amount": sales,
                "action": self._debt_action(
                    self.env._("Sales of the Last %(days)s Days", days=DSO_DAYS), "account.move", domain,
                    views=[[self._debt_view("account.view_out_invoice_tree"), "list"], [False, "form"]],
                ),
            },
        }

    @api.model
    def _debt_collected_figures(self, company, today):
        this_start = date_utils.start_of(today, "month")
        last_start = date_utils.subtract(this_start, months=1)
        periods = (
            ("this_month", self.env._("Collected This Month"), this_start, date_utils.end_of(today, "month")),
            ("last_month", self.env._("Collected Last Month"), last_start, this_start - timedelta(days=1)),
        )
        base = [
            ("company_id", "=", company.id),
            ("payment_type", "=", "inbound"),
            ("partner_type", "=", "customer"),
            ("state", "in", POSTED_PAYMENT_STATES),
        ]
        groups = self.env["account.payment"]._read_group(
            base + [("date", ">=", fields.Date.to_string(last_start)),
                    ("date", "<=", fields.Date.to_string(periods[0][3]))],
            groupby=["date:month"], aggregates=["amount_company_currency_signed:sum", "__count"],
        )
        by_month = {month: (amount, count) for month, amount, count in groups}
        result = {}
        for key, name, start, end in periods:
            amount, count = by_month.get(start, (0.0, 0))
            result[key] = {
                "amount": company.currency_id.round(amount or 0.0), "count": count,
                "action": self._debt_action(name, "account.payment", base + [
                    ("date", ">=", fields.Date.to_string(start)), ("date", "<=", fields.Date.to_string(end)),
                ]),
            }
        return result

    @api.model
    def _debt_promise_figures(self, company, today):
        Promise = self.env["debt.collection.promise"]
        week_start = date_utils.start_of(today, "week")
        figures = (
            ("due_today", self.env._("Promises Due Today"),
             [("state", "=", "open"), ("date", "=", fields.Date.to_string(today))]),
            ("broken_week", self.env._("Promises Broken This Week"),
             [("state", "=", "broken"), ("date", ">=", fields.Date.to_string(week_start)),
              ("date", "<=", fields.Date.to_string(today))]),
        )
        view = self._debt_view("auto_service_debt.debt_collection_promise_view_list")
        result = {}
        for key, name, domain in figures:
            domain = [("company_id", "=", company.id)] + domain
            [(count, amount)] = Promise._read_group(domain, aggregates=["__count", "amount:sum"])
            result[key] = {
                "count": count, "amount": company.currency_id.round(amount or 0.0),
                "action": self._debt_action(name, Promise._name, domain, views=[[view, "list"], [False, "form"]]),
            }
        return result

    @api.model
    def _debt_stage_figures(self, company, position):
        """Open cases per stage, in the ladder's order: their number and the position's
        overdue of their customers (the case's stored figures are those of its last
        refresh)."""
        Stage = self.env["debt.collection.stage"].with_context(active_test=False)
        rows = {stage_id: (count, amount) for stage_id, count, amount in position["stages"]}
        stages = Stage.browse([sid for sid in rows if sid]).sorted(lambda s: (s.sequence, s.days_overdue, s.id))
        view = self._debt_view("auto_service_debt.debt_collection_case_view_list")
        result = []
        for stage in [*stages, Stage] if None in rows else stages:
            count, amount = rows[stage.id or None]
            domain = [("company_id", "=", company.id), ("state", "=", "open"), ("stage_id", "=", stage.id)]
            name = stage.name or self.env._("No Stage")
            result.append({
                "id": stage.id, "name": name, "count": count, "amount": amount,
                "action": self._debt_action(
                    self.env._("Open Cases: %(stage)s", stage=name), "debt.collection.case", domain,
                    views=[[view, "list"], [False, "form"]],
                ),
            })
        return result

    @api.model
    def _debt_top_debtors(self, company, today, position):
        Partner = self.env["res.partner"]
        partners = Partner.browse([row[0] for row in position["top"]])
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        result = []
        Position = self.env["debt.position"]
        for partner_id, amount, days in position["top"]:
            name = names[partner_id]
            result.append({
                "partner_id": partner_id, "name": name, "amount": amount, "days": days,
                "action": self._debt_lines_action(
                    self.env._("Overdue Items of %(partner)s", partner=name),
                    Position._overdue_line_domain(company, today, Partner.browse(partner_id)),
                ),
            })
        return result

    @api.model
    def _debt_blocked_figure(self, company):
        """The customers (commercial partners, not their contacts) whose stored flag is
        set in the company, as the *Blocked Customers* menu lists them."""
        domain = [("debt_blocked", "=", True), "|", ("is_company", "=", True), ("parent_id", "=", False)]
        return {
            "count": self.env["res.partner"].search_count(domain),
            "action": self._debt_action(self.env._("Blocked Customers"), "res.partner", domain, views=[
                [self._debt_view("auto_service_debt.view_partner_list_debt_blocked"), "list"], [False, "form"],
            ]),
        }

    @api.model
    def _debt_hold_figure(self, company):
        domain = [("company_id", "=", company.id), ("state", "=", "held")]
        return {
            "count": self.env["debt.vehicle.hold"].search_count(domain),
            "action": self._debt_action(self.env._("Vehicles on Hold"), "debt.vehicle.hold", domain),
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.model
    def _debt_view(self, xmlid):
        """Id of the view ``xmlid`` (from the registry's cache of external ids)."""
        return self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=True)

    @api.model
    def _debt_action(self, name, model, domain, views=None):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "views": views or [[False, "list"], [False, "form"]],
            "domain": domain,
            "context": {"create": False},
            "target": "current",
        }

    @api.model
    def _debt_lines_action(self, name, domain):
        """The journal items of ``domain`` (due lines), as the aging report opens them."""
        return self._debt_action(name, "account.move.line", domain, views=[
            [self._debt_view("account.view_move_line_tree"), "list"], [False, "form"],
        ])
