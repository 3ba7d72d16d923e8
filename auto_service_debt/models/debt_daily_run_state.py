"""Progress of the daily run's steps per company and date, so that a run can resume."""

from odoo import fields, models


class DebtDailyRunState(models.Model):
    """Progress of one step of the daily run, per company and date (for resuming)."""

    _name = "debt.daily.run.state"
    _description = "Debt Daily Run Progress"
    _order = "run_date desc, id desc"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    run_date = fields.Date(required=True)
    step = fields.Char(required=True)
    last_partner_id = fields.Integer(
        help="Customers up to this id have been processed by this step on this date."
    )
    done = fields.Boolean()
    batches = fields.Integer()
    duration = fields.Float(string="Duration (s)")

    _sql_constraints = [
        (
            "step_uniq",
            "unique(company_id, run_date, step)",
            "A daily-run step is recorded once per company and date.",
        )
    ]
