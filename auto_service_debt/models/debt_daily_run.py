"""The one daily run: ordered steps over batches of customers, committed per batch,
resumable after a crash and never running twice at once."""

import itertools
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .debt_position import due_lines_where

_logger = logging.getLogger(__name__)

# Key of the PostgreSQL advisory lock that keeps two runs from overlapping.
DAILY_RUN_LOCK = 0x64656274  # "debt"
# Identifies one run in this process (the steps of a run share what they read once).
RUN_COUNTER = itertools.count(1)


class DebtDailyRun(models.AbstractModel):
    """Orchestrator of the daily run. Features register their steps in
    ``_debt_daily_steps``; each step takes (commercial partners, company, date) and
    must be idempotent for that date."""

    _name = "debt.daily.run"
    _description = "Debt Control Daily Run"

    @api.model
    def _debt_daily_steps(self):
        """Return the steps as ``(sequence, code, model, method)``; extend with super().

        ``method(partners, company, today)`` is called on ``model`` for each batch.
        ``model._debt_daily_candidates(company, today, code)`` (optional) returns the
        ids of the commercial partners the step must see; by default every customer
        with an open receivable.
        """
        # The flags come last: they are evaluated after the steps that move plans and
        # cases (whose own events mark nothing during the run, see
        # ``debt.partner.status._debt_mark``).
        return [
            (20, "penalties", "debt.penalty", "_debt_daily_accrue"),
            (30, "plans", "debt.installment.plan", "_debt_daily_plans"),
            (40, "cases", "debt.collection.case", "_debt_daily_collect"),
            (50, "scores", "debt.partner.score", "_debt_daily_score"),
            (90, "flags", "debt.partner.status", "_debt_daily_refresh"),
        ]

    @api.model
    def _cron_daily_run(self):
        """Entry point of the scheduled action: every company, today."""
        return self._run(companies=self.env["res.company"].search([]), commit=True)

    @api.model
    def action_run_now(self):
        """A Debt Manager's "Run now": the scheduled action runs at once, in the
        scheduler's process (its lock, its progress, a commit per batch). Today's steps
        that are done already run again for the user's companies: each step is
        idempotent for its date and the reminders and stage actions happen once."""
        if not self.env.user.has_group("auto_service_debt.group_debt_manager"):
            raise AccessError(self.env._("Only a Debt Manager may start the daily run."))
        cron = self.env.ref("auto_service_debt.ir_cron_debt_daily_run").sudo()
        if not cron.active:
            raise UserError(self.env._(
                "The scheduled action %(cron)s is archived: an administrator must activate it "
                "(Settings, Technical, Scheduled Actions) before the daily run can start.",
                cron=cron.name,
            ))
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", DAILY_RUN_LOCK))
        if not cr.fetchone()[0]:
            return self._notification(self.env._(
                "A daily run is in progress: its results appear when it ends."
            ), "warning")
        cr.execute(SQL("SELECT pg_advisory_unlock(%s)", DAILY_RUN_LOCK))
        # The scheduler's "today" may be the day before or after in its time zone.
        since = fields.Date.today() - timedelta(days=1)
        self.env["debt.daily.run.state"].sudo().search([
            ("company_id", "in", self.env.user.company_ids.ids), ("run_date", ">=", since),
            ("done", "=", True),
        ]).write({"done": False, "last_partner_id": 0, "batches": 0})
        cron._trigger()
        return self._notification(self.env._(
            "The daily run has started in the background: block flags, penalties, installment "
            "plans, collection cases and scores are refreshed in a few minutes."
        ), "success")

    @api.model
    def _notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": kind, "message": message, "sticky": False},
        }

    @api.model
    def _run(self, companies=None, today=None, steps=None, commit=False):
        """Run the steps for ``companies`` at ``today``. Return False when another run
        holds the lock, else a dict of per-step statistics."""
        companies = companies or self.env.company
        today = today or fields.Date.context_today(self)
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_lock(%s)", DAILY_RUN_LOCK))
        if not cr.fetchone()[0]:
            _logger.info("debt daily run: another run is in progress, skipping")
            return False
        stats = {}
        run_key = next(RUN_COUNTER)
        try:
            # Step after step, each for every company: a step sees what the earlier steps
            # did in all the companies (the flags of a company that blocks for overdue
            # debt elsewhere in the chain come after the plans of the other companies).
            for _seq, code, model, method in sorted(self._debt_daily_steps()):
                if steps and code not in steps:
                    continue
                for company in companies:
                    run = self.with_company(company).with_context(
                        allowed_company_ids=[company.id], debt_run_commit=commit,
                        debt_run_key=run_key,
                    )
                    stats[(company.id, code)] = run._run_step(company, today, code, model, method)
        finally:
            cr.execute(SQL("SELECT pg_advisory_unlock(%s)", DAILY_RUN_LOCK))
        return stats

    def _candidate_partner_ids(self, company, today, code, model):
        if hasattr(model, "_debt_daily_candidates"):
            return sorted(set(model._debt_daily_candidates(company, today, code)))
        return self._open_receivable_partner_ids(company)

    @api.model
    def _open_receivable_partner_ids(self, company):
        """Commercial partners with open receivable due lines in ``company``.

        Several steps start from this list: during a run it is read once per company
        and kept on the cursor (the run's steps see the same customers)."""
        key = self.env.context.get("debt_run_key")
        if key:
            cached = self.env.cr.cache.setdefault("debt_open_receivable", {})
            if (key, company.id) not in cached:
                for old in [old for old in cached if old[0] != key]:
                    del cached[old]  # one run at a time per cursor
                cached[key, company.id] = self.with_context(debt_run_key=False)._open_receivable_partner_ids(company)
            return cached[key, company.id]
        self.env["account.move.line"].flush_model(
            ["amount_residual", "reconciled", "parent_state", "account_id", "company_id", "partner_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
            SELECT DISTINCT rp.commercial_partner_id
              FROM account_move_line aml
              JOIN res_partner rp ON rp.id = aml.partner_id
             WHERE %s
          ORDER BY 1
            """,
                due_lines_where(company.id, account_ids=self.env["debt.position"]._receivable_account_ids(company)),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _run_step(self, company, today, code, model_name, method_name):
        State = self.env["debt.daily.run.state"].sudo()
        state = State.search(
            [("company_id", "=", company.id), ("run_date", "=", today), ("step", "=", code)]
        )
        if state.done:
            return {"skipped": True}
        if not state:
            state = State.create({"company_id": company.id, "run_date": today, "step": code})
        model = self.env[model_name]
        self._no_jit()
        partner_ids = [
            pid
            for pid in self._candidate_partner_ids(company, today, code, model)
            if pid > state.last_partner_id
        ]
        size = max(company.debt_batch_size, 1)
        batches = [partner_ids[i : i + size] for i in range(0, len(partner_ids), size)]
        started = fields.Datetime.now()
        done = 0
        for batch in batches:
            partners = self.env["res.partner"].browse(batch)
            with self.env.cr.savepoint():
                self._no_jit()
                getattr(model, method_name)(partners, company, today)
                state.write({"last_partner_id": batch[-1], "batches": state.batches + 1})
            self._commit()
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(partner_ids) - done)
        state.write(
            {
                "done": True,
                "duration": (fields.Datetime.now() - started).total_seconds(),
            }
        )
        self._analyze_grown_tables()
        self._commit()
        _logger.info(
            "debt daily run: company %s step %s: %s customers in %s batches",
            company.id, code, len(partner_ids), len(batches),
        )
        return {"partners": len(partner_ids), "batches": len(batches)}

    #: Tables a step may fill with thousands of rows at once (a first run, a month end).
    _ANALYZED_TABLES = (
        "debt_penalty", "debt_collection_case", "debt_collection_case_history",
        "debt_dunning_log", "debt_partner_status", "debt_contact_log", "mail_message",
        "mail_mail", "mail_activity", "mail_followers",
    )

    def _analyze_grown_tables(self):
        """ANALYZE the tables a step changed by more than a tenth since their statistics
        were taken (as autovacuum would, but now: the next steps' statements are planned on
        them, and a first run turns a nearly empty table into a large one)."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT relname FROM pg_stat_user_tables
             WHERE schemaname = current_schema() AND relname = ANY(%s)
               AND n_mod_since_analyze > 1000 + n_live_tup / 10
            """,
            list(self._ANALYZED_TABLES),
        ))
        for (table,) in self.env.cr.fetchall():
            self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))

    def _no_jit(self):
        """Turn PostgreSQL's JIT compilation off until the end of the transaction (the
        next commit): a batch's set-based statements have large cost estimates but run
        in tens of milliseconds, and compiling them would take seconds each."""
        self.env.cr.execute("SET LOCAL jit = off")

    def _commit(self):
        # Only the scheduled action (and the benchmark) commit per batch; a caller inside
        # a transaction (tests, an interactive button) keeps its own transaction, and the
        # savepoint per batch still makes a failing batch leave nothing half-written.
        if self.env.context.get("debt_run_commit"):
            self.env.cr.commit()  # pylint: disable=invalid-commit
