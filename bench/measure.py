"""Measurements of the benchmark, each in its own process (peak memory is per process).

    python bench/measure.py -c CONF -d DB --scale S [--reps 3] --out bench/results-S.json
    python bench/measure.py --report bench/results-*.json --md bench/results.md

The driver starts one worker process per measurement (``--worker KIND``) and runs
VACUUM ANALYZE between repeated measurements. Workers that must leave the data as it
was (OCA runs, order confirmations) roll back; the daily runs commit, consecutive days
on a copy of the generated database, as in production.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OCA_MODULES = ("account_credit_control", "account_financial_risk", "sale_financial_risk")
QUERIES = [0]
CURRENT_STEP = [None]
# A measurement slower than this is not repeated (the total must fit the time budget).
SLOW_SECONDS = float(os.environ.get("BENCH_SLOW_SECONDS", "60"))
OCA_TIMEOUT = float(os.environ.get("BENCH_OCA_TIMEOUT", "900"))


# ----------------------------------------------------------------------------------------
# Worker side
# ----------------------------------------------------------------------------------------


QUERY_LOG = []  # (step, text, seconds) when profiling


def count_queries(log_queries=False):
    """Count every SQL statement sent through Odoo's cursors."""
    from odoo import sql_db

    original = sql_db.Cursor.execute

    def execute(self, query, *args, **kwargs):
        QUERIES[0] += 1
        if not log_queries:
            return original(self, query, *args, **kwargs)
        t0 = time.perf_counter()
        try:
            return original(self, query, *args, **kwargs)
        finally:
            text = query.code if hasattr(query, "code") else str(query)
            QUERY_LOG.append((CURRENT_STEP[0], " ".join(text.split())[:160],
                              time.perf_counter() - t0))

    sql_db.Cursor.execute = execute


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Probe:
    """Wall time, SQL statements and growth of the process peak RSS of a block."""

    def __enter__(self):
        self.q0, self.r0, self.t0 = QUERIES[0], maxrss_mb(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t0
        self.queries = QUERIES[0] - self.q0
        self.peak = maxrss_mb()
        self.rss_growth = self.peak - self.r0
        return False

    def as_dict(self):
        # the peak at the end of the block, not of what the process did after it
        return {"wall": self.wall, "queries": self.queries, "rss_growth_mb": self.rss_growth,
                "peak_rss_mb": self.peak}


def bench_info(env):
    env.cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'asd.bench.generated'")
    return json.loads(env.cr.fetchone()[0])


def w_daily(env, args):
    """One complete daily run at ``args.date``, committed per batch like the cron."""
    info = bench_info(env)
    companies = env["res.company"].browse(info["companies"])
    Run = env["debt.daily.run"]
    cls = type(Run)
    original = cls._run_step
    steps = {}

    def run_step(self, company, today, code, model_name, method_name):
        CURRENT_STEP[0] = code
        with Probe() as probe:
            if args.profile:
                import cProfile

                prof = PROFILES.setdefault(code, cProfile.Profile())
                prof.enable()
            try:
                res = original(self, company, today, code, model_name, method_name)
            finally:
                if args.profile:
                    prof.disable()
        agg = steps.setdefault(code, {"wall": 0.0, "queries": 0, "rss_growth_mb": 0.0,
                                      "batches": 0, "partners": 0})
        agg["wall"] += probe.wall
        agg["queries"] += probe.queries
        agg["rss_growth_mb"] += probe.rss_growth
        if isinstance(res, dict):
            agg["batches"] += res.get("batches", 0)
            agg["partners"] += res.get("partners", 0)
        return res

    cls._run_step = run_step
    # The reminder e-mails' share: rendering, sanitizing and queueing them (work OCA's
    # credit line generation leaves to its later communication step).
    mailing = {"wall": 0.0, "mails": 0}
    case_cls = type(env["debt.collection.case"])
    send_mails = case_cls._debt_send_mails

    def timed_send_mails(self, template, groups):
        t0 = time.perf_counter()
        try:
            return send_mails(self, template, groups)
        finally:
            mailing["wall"] += time.perf_counter() - t0
            mailing["mails"] += len(groups)

    case_cls._debt_send_mails = timed_send_mails
    registered = sorted(Run._debt_daily_steps())
    month_end = month_end_due(env, date.fromisoformat(args.date)) if args.month_end else None
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_mail")
    last_mail = env.cr.fetchone()[0]
    env.cr.commit()
    with Probe() as probe:
        stats = Run._run(companies=companies, today=date.fromisoformat(args.date), commit=True)
        env.cr.commit()
    if stats is False:
        raise SystemExit("the daily run did not start: another run holds the lock")
    if mailing["mails"]:
        mailing["sanitize_wall"] = sanitize_floor(env, last_mail)
    if args.profile:
        write_profile(args, steps)
    skipped = [code for (_cid, code), st in stats.items() if isinstance(st, dict) and st.get("skipped")]
    return {**probe.as_dict(), "steps": steps, "skipped": skipped, "month_end": month_end,
            "mailing": mailing,
            "registered": [[s[0], s[1], s[2], s[3]] for s in registered]}


def sanitize_floor(env, last_mail):
    """Seconds that Odoo's own sanitizing of the message bodies of the run's e-mails
    takes alone, timed after the run (outside its wall time): the part of storing an
    e-mail as ``mail.template.send_mail_batch`` does (the message's ``body`` field is
    sanitized HTML) that no bulk write can skip."""
    env.cr.execute("SELECT id FROM mail_mail WHERE id > %s ORDER BY id", [last_mail])
    ids = [row[0] for row in env.cr.fetchall()]
    Message = env["mail.message"]
    field = Message._fields["body"]
    wall = 0.0
    for start in range(0, len(ids), 2000):  # a chunk of bodies in memory at a time
        env.cr.execute("SELECT body_html FROM mail_mail WHERE id = ANY(%s)", [ids[start:start + 2000]])
        bodies = [row[0] for row in env.cr.fetchall()]
        t0 = time.perf_counter()
        for body in bodies:
            field.convert_to_column(body, Message)
        wall += time.perf_counter() - t0
    return wall


def month_end_due(env, day):
    """A month end: a fifth of all open invoices fall due on the same day, the day before
    ``day`` (so that on ``day`` they are overdue together). The not yet due ones are taken
    first, then the latest overdue ones; their due date moves to ``day - 1``. Returns what
    changed."""
    env.flush_all()
    env.cr.execute(
        """
        WITH open_lines AS (
            SELECT aml.id, aml.date_maturity
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id
             WHERE acc.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
               AND NOT aml.reconciled AND aml.amount_residual > 0
        ), chosen AS (
            SELECT id FROM open_lines
             ORDER BY date_maturity DESC, id
             LIMIT (SELECT count(*) / 5 FROM open_lines)
        )
        UPDATE account_move_line aml SET date_maturity = %s
          FROM chosen WHERE aml.id = chosen.id
        RETURNING aml.move_id
        """,
        [day - timedelta(days=1)],
    )
    moves = {row[0] for row in env.cr.fetchall()}
    env.cr.execute("UPDATE account_move SET invoice_date_due = %s WHERE id = ANY(%s)",
                   [day - timedelta(days=1), list(moves)])
    env.cr.execute("SELECT count(*) FROM account_move_line aml JOIN account_account acc "
                   "ON acc.id = aml.account_id WHERE acc.account_type = 'asset_receivable' "
                   "AND aml.parent_state = 'posted' AND NOT aml.reconciled AND aml.amount_residual > 0")
    open_count = env.cr.fetchone()[0]
    env.invalidate_all()
    return {"invoices": len(moves), "open_invoices": open_count, "due_date": str(day - timedelta(days=1))}


PROFILES = {}


def write_profile(args, steps):
    """Per step: the most frequent and the slowest statements, and the Python hot spots."""
    import io
    import pstats
    from collections import defaultdict

    path = os.path.join(BENCH, f"profile-{args.database}-{args.date}.txt")
    with open(path, "w") as out:
        for code, st in steps.items():
            out.write(f"=== step {code}: {st['wall']:.2f} s, {st['queries']} queries, "
                      f"{st['batches']} batches, {st['partners']} customers\n")
            by_text = defaultdict(lambda: [0, 0.0])
            for step, text, secs in QUERY_LOG:
                if step == code:
                    by_text[text][0] += 1
                    by_text[text][1] += secs
            out.write("-- statements by total time (count, seconds, text)\n")
            for text, (n, secs) in sorted(by_text.items(), key=lambda kv: -kv[1][1])[:15]:
                out.write(f"{n:6d} {secs:8.3f}  {text}\n")
            buf = io.StringIO()
            pstats.Stats(PROFILES[code], stream=buf).sort_stats("cumulative").print_stats(35)
            out.write(buf.getvalue())
            # The raw profile, for pstats (callers, callees) or a viewer.
            PROFILES[code].dump_stats(path[:-4] + f"-{code}.prof")
    log(f"[measure] profile written to {path}")


def _order_env(env, company):
    """The environment of a back-office request: the web client sends the user's
    language and time zone with every call."""
    user = env.user
    return env(context=dict(env.context, allowed_company_ids=[company.id],
                            lang=user.lang or "en_US", tz=user.tz or "Europe/Moscow"))


def _bypass(model_cls, module_prefixes, methods):
    """Skip the overrides of ``methods`` defined by modules starting with the prefixes:
    each one becomes a plain call to the next class in the MRO."""
    patched = []
    for klass in model_cls.__mro__:
        if not any(klass.__module__.startswith(p) for p in module_prefixes):
            continue
        for name in methods:
            if name in klass.__dict__:
                def passthrough(self, *a, __klass=klass, __name=name, **kw):
                    return getattr(super(__klass, self), __name)(*a, **kw)
                patched.append((klass, name, klass.__dict__[name]))
                setattr(klass, name, passthrough)
    return patched


def _restore(patched):
    for klass, name, func in reversed(patched):
        setattr(klass, name, func)


def _new_order(env, partner, product):
    """A one-line draft order of ``partner``, written to the database, with every cache
    emptied: its confirmation starts cold, as in a new request."""
    order = env["sale.order"].create({
        "partner_id": partner.id,
        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
    })
    env.flush_all()
    env.invalidate_all()
    return order


OURS = ("odoo.addons.auto_service_debt",)
OCA_SALE = ("odoo.addons.sale_financial_risk",)
CONFIRM_METHODS = ("action_confirm", "_action_confirm", "_confirmation_error_message")


CONFIRM_ROUNDS = int(os.environ.get("BENCH_CONFIRM_ROUNDS", "40"))


def w_confirm(env, args):
    """``_w_confirm`` on the day the data was generated for: the customers of 2, 100 and
    1 000 invoices have their last invoice due that day (after it, they would be blocked
    and their confirmations refused)."""
    from freezegun import freeze_time

    from odoo import fields

    day = date.fromisoformat(bench_info(env)["today"])
    if fields.Date.context_today(env["res.partner"].with_context(tz="Europe/Moscow")) == day:
        return _w_confirm(env, args)

    with freeze_time(f"{day} 09:00:00", tick=True):
        result = _w_confirm(env, args)
    result["frozen_at"] = str(day)
    return result


def _w_confirm(env, args):
    """Confirmation of a one-line order for customers with 2, 100 and 1 000 invoices:
    plain (both checks skipped), with this addon's check, with OCA's check.

    A confirmation takes some 20-40 ms on this machine, so the variants take turns in rounds
    (``BENCH_CONFIRM_ROUNDS``, default 40) and what a check adds is the median of the
    differences within a round. Each confirmation is rolled back to a savepoint, so
    that all of them see the same data, and starts from a collected heap, so that a
    garbage collection of the previous ones does not land on a random variant. The
    time spent inside this addon's check itself is recorded as well."""
    import gc

    info = bench_info(env)
    company = env["res.company"].browse(info["companies"][0])
    oenv = _order_env(env, company)
    product = oenv["product.product"].create({
        "name": "Bench service", "type": "service", "list_price": 1500.0, "invoice_policy": "order",
    })
    order_cls = type(oenv["sale.order"])
    installed = set(env["ir.module.module"].search([("state", "=", "installed")]).mapped("name"))
    variants = {"plain": OURS + OCA_SALE, "ours": OCA_SALE}
    if "sale_financial_risk" in installed:
        variants["oca"] = OURS
    # The time of the addon's check inside the confirmation (the call the plain variant skips).
    mixin_cls = next(k for k in order_cls.__mro__ if "_debt_check_block" in k.__dict__)
    original_check = mixin_cls.__dict__["_debt_check_block"]
    check_time = [0.0, 0.0]  # the check, its statement
    in_check = [False]
    from odoo import sql_db

    original_execute = sql_db.Cursor.execute

    def timed_execute(self, query, *a, **kw):
        # The check's own statement (the records it reads, the confirmation reads anyway).
        if not in_check[0] or not str(getattr(query, "code", query)).lstrip().startswith("SELECT rp.id"):
            return original_execute(self, query, *a, **kw)
        t0 = time.perf_counter()
        try:
            return original_execute(self, query, *a, **kw)
        finally:
            check_time[1] += time.perf_counter() - t0

    def timed_check(self):
        t0 = time.perf_counter()
        in_check[0] = True
        try:
            return original_check(self)
        finally:
            in_check[0] = False
            check_time[0] += time.perf_counter() - t0

    rounds = max(args.reps_inner, CONFIRM_ROUNDS)
    out = {}
    mixin_cls._debt_check_block = timed_check
    sql_db.Cursor.execute = timed_execute
    try:
        for count, partner_id in sorted(info["special_partners"].items(), key=lambda kv: int(kv[0])):
            partner = oenv["res.partner"].browse(partner_id)
            samples = {variant: [] for variant in variants}
            errors = {variant: [] for variant in variants}
            own = []
            for i in range(rounds + 1):
                for variant, skip in variants.items():
                    patched = _bypass(order_cls, skip, CONFIRM_METHODS)
                    savepoint = env.cr.savepoint(flush=False)
                    try:
                        order = _new_order(oenv, partner, product)
                        gc.collect()
                        check_time[:] = [0.0, 0.0]
                        with Probe() as probe:
                            try:
                                res = order.action_confirm()
                                oenv.flush_all()
                            except Exception as e:  # noqa: BLE001 - reported, not hidden
                                errors[variant].append(f"{type(e).__name__}: {e}")
                                res = None
                        if isinstance(res, dict) and res.get("res_model"):
                            errors[variant].append(f"returned the wizard {res['res_model']}")
                        if order.state != "sale":
                            errors[variant].append(f"order left in state {order.state}")
                        if i:  # the first round warms the caches of the process
                            samples[variant].append((probe.wall, probe.queries))
                            if variant == "ours":
                                own.append(tuple(check_time))
                    finally:
                        _restore(patched)
                        # Every confirmation sees the same data: none of the orders
                        # confirmed before it, no growing transaction.
                        savepoint.close(rollback=True)
                        oenv.invalidate_all()
            for variant in variants:
                out[f"{variant}:{count}"] = {
                    "wall": [s[0] for s in samples[variant]],
                    "queries": [s[1] for s in samples[variant]],
                    "errors": sorted(set(errors[variant]))[:3],
                }
                if variant != "plain":
                    out[f"{variant}:{count}"]["paired"] = [
                        s[0] - p[0] for s, p in zip(samples[variant], samples["plain"], strict=True)
                    ]
            out[f"ours:{count}"]["own"] = [t for t, _sql in own]
            out[f"ours:{count}"]["own_sql"] = [sql for _t, sql in own]
    finally:
        mixin_cls._debt_check_block = original_check
        sql_db.Cursor.execute = original_execute
    env.cr.rollback()
    return out


def w_confirm_profile(env, args):
    """Which statements and which Python the addon's confirmation check adds (customer
    with 1 000 invoices): written to bench/profile-confirm-DB.txt."""
    import cProfile
    import io
    import pstats

    info = bench_info(env)
    company = env["res.company"].browse(info["companies"][0])
    oenv = _order_env(env, company)
    product = oenv["product.product"].create({"name": "Bench service", "type": "service",
                                              "list_price": 1500.0})
    partner = oenv["res.partner"].browse(info["special_partners"]["1000"])
    order_cls = type(oenv["sale.order"])
    path = os.path.join(BENCH, f"profile-confirm-{args.database}.txt")
    with open(path, "w") as out:
        for variant, skip in (("plain", OURS + OCA_SALE), ("ours", OCA_SALE)):
            patched = _bypass(order_cls, skip, CONFIRM_METHODS)
            try:
                for _i in range(3):
                    order = _new_order(oenv, partner, product)
                    QUERY_LOG.clear()
                    prof = cProfile.Profile()
                    t0 = time.perf_counter()
                    prof.enable()
                    order.action_confirm()
                    oenv.flush_all()
                    prof.disable()
                    wall = time.perf_counter() - t0
            finally:
                _restore(patched)
            out.write(f"=== {variant}: {wall * 1000:.1f} ms, {len(QUERY_LOG)} statements\n")
            for _step, text, secs in QUERY_LOG:
                out.write(f"{secs * 1000:8.2f} ms  {text}\n")
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
            out.write(buf.getvalue())
    env.cr.rollback()
    log(f"[measure] profile written to {path}")
    return {"path": path}


def w_filters(env, args):
    """The "blocked customers" filter and the aging report over all customers."""
    out = {}
    Partner = env["res.partner"]
    reps = args.reps_inner
    if "debt_blocked" in Partner._fields:
        samples = []
        for _i in range(reps + 1):
            env.invalidate_all()
            with Probe() as probe:
                found = Partner.search([("debt_blocked", "=", True)])
            samples.append((probe.wall, probe.queries))
        out["blocked_filter"] = {"wall": [s[0] for s in samples[1:]],
                                 "queries": [s[1] for s in samples[1:]], "found": len(found)}
    else:
        out["blocked_filter"] = {"na": "res.partner has no field debt_blocked"}
    if "debt.aging.report" in env:
        Aging = env["debt.aging.report"]
        info = bench_info(env)
        samples = []
        for _i in range(max(reps // 3, 2) + 1):
            env.invalidate_all()
            with Probe() as probe:
                rows = 0
                for cid in info["companies"]:
                    company = env["res.company"].browse(cid)
                    model = Aging.with_company(company).with_context(allowed_company_ids=[cid])
                    stored = [n for n, f in model._fields.items() if f.store and n != "id"]
                    rows += len(model.search_fetch([], stored))
            samples.append((probe.wall, probe.queries))
        out["aging_report"] = {"wall": [s[0] for s in samples[1:]],
                               "queries": [s[1] for s in samples[1:]], "rows": rows}
    else:
        out["aging_report"] = {"na": "no model debt.aging.report in this build"}
    env.cr.rollback()
    return out


def w_dashboard(env, args):
    """The owner's overview (Debt Control → Overview): ``debt.dashboard.get_dashboard_data``
    of each company, as its client action calls it, caches cleared before each call."""
    if "debt.dashboard" not in env:
        return {"na": "no model debt.dashboard in this build"}
    info = bench_info(env)
    out = {"companies": {}}
    for cid in info["companies"]:
        dashboard = env["debt.dashboard"].with_company(cid).with_context(allowed_company_ids=[cid])
        samples = []
        for _i in range(max(args.reps_inner // 3, 3) + 1):
            env.invalidate_all()
            with Probe() as probe:
                data = dashboard.get_dashboard_data()
            samples.append((probe.wall, probe.queries))
        out["companies"][str(cid)] = {
            "wall": [s[0] for s in samples[1:]], "queries": [s[1] for s in samples[1:]],
            "overdue": data["overdue"]["amount"], "debtors": data["overdue"]["debtors"],
            "open_cases": sum(stage["count"] for stage in data["stages"]),
        }
    # the slowest company's figures stand for the overview
    out["wall"] = max((c["wall"] for c in out["companies"].values()), key=statistics.median)
    out["queries"] = max((c["queries"] for c in out["companies"].values()), key=statistics.median)
    env.cr.rollback()
    return out


def w_oca_lines(env, args):
    """OCA account_credit_control: a credit control run per company at the date (and,
    for ``--steady``, after a run the day before), rolled back afterwards."""
    info = bench_info(env)
    day = date.fromisoformat(args.date)

    def run_at(when):
        lines = 0
        for cid in info["companies"]:
            company = env["res.company"].browse(cid)
            Run = env["credit.control.run"].with_company(company).with_context(
                allowed_company_ids=[cid])
            run = Run.create({"date": when, "company_id": cid,
                              "policy_ids": [(6, 0, company.credit_policy_id.ids)]})
            run.generate_credit_lines()
            env.flush_all()
            lines += len(run.line_ids)
        return lines

    if args.steady:
        run_at(day - timedelta(days=1))
    with Probe() as probe:
        lines = run_at(day)
    env.cr.rollback()
    return {**probe.as_dict(), "lines": lines}


def w_oca_risk(env, args):
    """OCA account_financial_risk: the "risk exceeded" filter, which computes the risk of
    every customer (the way the module itself searches it)."""
    with Probe() as probe:
        found = env["res.partner"].search([("risk_exception", "=", True)])
    env.cr.rollback()
    return {**probe.as_dict(), "found": len(found)}


WORKERS = {"daily": w_daily, "confirm": w_confirm, "confirm_profile": w_confirm_profile,
           "filters": w_filters, "dashboard": w_dashboard,
           "oca_lines": w_oca_lines, "oca_risk": w_oca_risk}


def run_worker(args):
    sys.path.insert(0, BENCH)
    from bootstrap import boot, environment

    registry = boot(args.config, args.database)
    count_queries(log_queries=args.profile or args.worker == "confirm_profile")
    with environment(registry) as env:
        env["res.partner"].search([], limit=1)
        result = WORKERS[args.worker](env, args)
        result["process_peak_rss_mb"] = maxrss_mb()
    print("RESULT " + json.dumps(result), flush=True)


# ----------------------------------------------------------------------------------------
# Driver side
# ----------------------------------------------------------------------------------------


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def vacuum(db):
    """VACUUM ANALYZE the tables written since the last one (autovacuum may be off, and
    rolled-back runs leave dead rows that slow the next measurement down)."""
    tables = psql_value(db, """SELECT string_agg(quote_ident(relname), ',') FROM pg_stat_user_tables
                                WHERE n_dead_tup > 0 OR n_mod_since_analyze > 0""")
    if tables:
        subprocess.run(["psql", "-q", "-d", db, "-c", f"VACUUM ANALYZE {tables}"], check=True)


def spawn(args, kind, extra=(), timeout=None):
    """Run a worker; with ``timeout`` (seconds), a worker still running then is stopped and
    reported as ``{"wall": timeout, "timed_out": True}`` (its work is rolled back)."""
    cmd = [sys.executable, os.path.abspath(__file__), "-c", args.config, "-d", args.database,
           "--worker", kind, "--reps-inner", str(args.reps_inner), *extra]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        # the worker's transaction dies with its connection: nothing of it stays
        subprocess.run(["psql", "-q", "-d", "postgres", "-c",
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE datname = '{args.database}' AND pid <> pg_backend_pid()"],
                       capture_output=True, check=False)
        log(f"[measure] worker {kind} {' '.join(extra)} stopped after {timeout} s")
        return {"wall": float(timeout), "timed_out": True, "queries": None, "peak_rss_mb": None}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    log(proc.stdout[-3000:], proc.stderr[-6000:])
    raise SystemExit(f"[measure] worker {kind} failed (exit {proc.returncode})")


def psql_value(db, sql):
    return subprocess.run(["psql", "-tA", "-d", db, "-c", sql], capture_output=True, text=True,
                          check=True).stdout.strip()


def repeated(args, kind, extra=(), reps=None, timeout=None):
    reps = reps or args.reps
    samples = []
    for i in range(reps):
        vacuum(args.database)
        res = spawn(args, kind, extra, timeout=timeout)
        samples.append(res)
        log(f"[measure] {kind} {' '.join(extra)} #{i + 1}: {res.get('wall', 0):.2f} s, "
            f"{res.get('queries', '?')} queries")
        if res.get("wall", 0) > SLOW_SECONDS:
            break
    return samples


def driver(args):
    info = json.loads(psql_value(args.database,
                                 "SELECT value FROM ir_config_parameter WHERE key='asd.bench.generated'"))
    today = date.fromisoformat(info["today"])
    installed = set(psql_value(
        args.database, "SELECT name FROM ir_module_module WHERE state='installed'").split())
    if os.environ.get("BENCH_OCA", "1") == "0":
        # a larger chain measured on its own: OCA's runs are compared at the default scales
        installed -= {"account_credit_control", "account_financial_risk", "sale_financial_risk"}
    res = {"scale": args.scale, "data": info, "date": time.strftime("%Y-%m-%d %H:%M"),
           "machine": machine(), "versions": versions(installed), "loadavg_start": os.getloadavg(),
           "code": os.environ.get("BENCH_CODE", "?")}
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
    if only and os.path.exists(args.out):
        # re-measure only these interactive checks (confirm, filters, dashboard) on the
        # database as the earlier measurements left it, keeping the other figures
        with open(args.out) as f:
            res = json.load(f)
        for key, kind in (("confirm", "confirm"), ("filters", "filters"), ("dashboard", "dashboard")):
            if key in only:
                vacuum(args.database)
                res[key] = spawn(args, kind)
                res.setdefault("remeasured", {})[key] = time.strftime("%Y-%m-%d %H:%M")
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)
        return
    if os.environ.get("BENCH_RESUME") == "1" and os.path.exists(args.out):
        with open(args.out) as f:
            kept = json.load(f)
        res.update({k: v for k, v in kept.items() if k not in ("date", "loadavg_start", "machine")})
    started = time.monotonic()
    # A database copy keeps the statistics but not the activity counters that vacuum()
    # relies on: analyze everything once.
    subprocess.run(["psql", "-q", "-d", args.database, "-c", "VACUUM ANALYZE"], check=True)

    def save():
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)

    # OCA first: its runs are rolled back and see the data as generated.
    if "account_credit_control" in installed and "oca_lines_first" not in res:
        res["oca_lines_first"] = repeated(args, "oca_lines", ["--date", str(today)])
        save()
    # OCA's next day: its first run on the day before, then the measured run (as a shop
    # runs it daily); stopped after BENCH_OCA_TIMEOUT seconds (the comparison then reads
    # "at least").
    if "account_credit_control" in installed and "oca_lines_steady" not in res \
            and os.environ.get("BENCH_OCA_STEADY", "1") == "1":
        res["oca_lines_steady"] = repeated(
            args, "oca_lines", ["--date", str(today + timedelta(days=1)), "--steady"],
            timeout=OCA_TIMEOUT)
        save()
    if "account_financial_risk" in installed and "oca_risk" not in res:
        res["oca_risk"] = repeated(args, "oca_risk")
        save()
    # The daily run: the first over the backlog, then consecutive days.
    if "daily_first" not in res:
        vacuum(args.database)
        res["daily_first"] = spawn(args, "daily", ["--date", str(today)])
        log(f"[measure] daily first run: {res['daily_first']['wall']:.2f} s, "
            f"{res['daily_first']['queries']} queries")
        save()
    if "daily_steady" not in res:
        res["daily_steady"] = []
        for i in range(1, args.reps + 1):
            vacuum(args.database)
            r = spawn(args, "daily", ["--date", str(today + timedelta(days=i))])
            res["daily_steady"].append(r)
            log(f"[measure] daily run day +{i}: {r['wall']:.2f} s, {r['queries']} queries")
        save()
    vacuum(args.database)
    res["confirm"] = spawn(args, "confirm")
    save()
    res["filters"] = spawn(args, "filters")
    vacuum(args.database)
    res["dashboard"] = spawn(args, "dashboard")
    save()
    # Month end: the day after a fifth of all open invoices fell due together (the last
    # measurement: it changes the data of the copy).
    if "daily_month_end" not in res:
        day = today + timedelta(days=args.reps + 1)
        vacuum(args.database)
        res["daily_month_end"] = spawn(args, "daily", ["--date", str(day), "--month-end"])
        log(f"[measure] month-end day {day}: {res['daily_month_end']['wall']:.2f} s, "
            f"{res['daily_month_end']['queries']} queries, "
            f"{res['daily_month_end']['month_end']['invoices']} invoices fell due")
    res["measure_seconds"] = round(time.monotonic() - started, 1)
    res["loadavg_end"] = os.getloadavg()
    save()
    log(f"[measure] wrote {args.out} in {res['measure_seconds']} s")


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        pg = subprocess.run(["psql", "-tA", "-d", "postgres", "-c", "SHOW server_version"],
                            capture_output=True, text=True).stdout.strip()
    except OSError:
        pg = "?"
    return {"nproc": os.cpu_count(), "ram_gib": round(ram, 1), "cpu": cpu,
            "python": platform.python_version(), "postgresql": pg}


def versions(installed):
    out = {}
    addons = os.path.join(ROOT, ".odoo-data", "bench-addons")
    for entry in sorted(os.listdir(addons)) if os.path.isdir(addons) else []:
        if entry.endswith(".dist-info"):
            name, version = entry[: -len(".dist-info")].rsplit("-", 1)
            module = name.replace("odoo_addon_", "")
            out[module] = version + ("" if module in installed else " (not installed)")
    return out


# ----------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------


def agg(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def fmt_s(t, unit="s"):
    if t is None:
        return "n/a"
    med, lo, hi = t
    if unit == "ms":
        med, lo, hi = med * 1000, lo * 1000, hi * 1000
        return f"{med:.1f} ms ({lo:.1f}–{hi:.1f})"
    return f"{med:.2f} s ({lo:.2f}–{hi:.2f})"


def fmt_q(t):
    if t is None:
        return "n/a"
    med, lo, hi = t
    return f"{med:.0f}" if lo == hi else f"{med:.0f} ({lo:.0f}–{hi:.0f})"


def fmt_mb(values):
    values = [v for v in values if v is not None]
    return f"{max(values):.0f} MiB" if values else "n/a"


def confirm_added(d, count, variant):
    """(seconds, queries) a check adds to a plain confirmation: the median of the
    differences within a round when recorded (the variants take turns), else the
    difference of the medians (results of earlier versions)."""
    v, plain = d[f"{variant}:{count}"], d[f"plain:{count}"]
    dq = statistics.median(v["queries"]) - statistics.median(plain["queries"])
    if v.get("paired"):
        return statistics.median(v["paired"]), dq
    return statistics.median(v["wall"]) - statistics.median(plain["wall"]), dq


def report(paths, md_path, extra=None):
    runs = []
    for p in paths:
        with open(p) as f:
            runs.append(json.load(f))
    runs.sort(key=lambda r: r["scale"])
    lines = []
    w = lines.append
    first = runs[0]
    m = first["machine"]
    w("# Benchmark results")
    w("")
    w(f"Measured {max(r['date'] for r in runs)} on {m['nproc']} CPU ({m['cpu']}), "
      f"{m['ram_gib']} GiB RAM, PostgreSQL {m['postgresql']}, Python {m['python']}. "
      "Produced by `make bench` (bench/run.sh); figures are median (min–max) of the repeated "
      "runs, VACUUM ANALYZE before each; peak memory is the peak RSS of the measuring process.")
    w("")
    w("Load average of the machine (1, 5, 15 min) at the start / end of each scale's measurements "
      "(above the CPU count, other work shared the machine and inflated the times): " + "; ".join(
          f"scale {r['scale']}: {'/'.join(f'{x:.1f}' for x in r.get('loadavg_start', []))} → "
          f"{'/'.join(f'{x:.1f}' for x in r.get('loadavg_end', []))}" for r in runs) + ".")
    w("")
    w("Code measured: " + "; ".join(f"scale {r['scale']}: {r.get('code', '?')}" for r in runs) + ".")
    again = [f"scale {r['scale']}: {', '.join(f'{k} at {v}' for k, v in r['remeasured'].items())}"
             for r in runs if r.get("remeasured")]
    if again:
        w("")
        w("Measured again afterwards (`BENCH_ONLY`, on the copy as the run left it, same code): "
          + "; ".join(again) + ".")
    w("")
    w("OCA modules (PyPI wheels, installed in the benchmark database only): " + ", ".join(
        f"{k} {v}" for k, v in first.get("versions", {}).items()) + ".")
    w("")
    w("## Data")
    w("")
    w("| scale | customers | invoices | payments | overdue invoices (partly paid) | customers with overdue | generation |")
    w("|---|---|---|---|---|---|---|")
    for r in runs:
        d = r["data"]
        w(f"| {r['scale']} | {d['customers']} | {d['invoices']} | {d['payments']} | "
          f"{d['overdue_invoices']} ({d['overdue_partly_paid']}) | {d['overdue_customers']} | "
          f"{d['generation_seconds']} s |")
    w("")
    w("## Daily run")
    w("")
    hdr = "| measurement | " + " | ".join(f"scale {r['scale']}" for r in runs) + " |"
    w(hdr)
    w("|---" * (len(runs) + 1) + "|")

    def row(label, fn):
        w(f"| {label} | " + " | ".join(fn(r) for r in runs) + " |")

    def steady(r, key):
        return agg([s[key] for s in r["daily_steady"]])

    row("steady state: wall time", lambda r: fmt_s(steady(r, "wall")))
    row("steady state: SQL queries", lambda r: fmt_q(steady(r, "queries")))
    row("steady state: peak memory", lambda r: fmt_mb([s["peak_rss_mb"] for s in r["daily_steady"]]))
    row("first run over the backlog: wall time", lambda r: fmt_s(agg([r["daily_first"]["wall"]])))
    row("first run: SQL queries", lambda r: fmt_q(agg([r["daily_first"]["queries"]])))
    row("first run: peak memory", lambda r: fmt_mb([r["daily_first"]["peak_rss_mb"]]))

    def mailing(run):
        m = (run or {}).get("mailing")
        if not m:
            return "n/a"
        return f"{m['mails']} e-mails, {m['wall']:.2f} s of {run['wall']:.2f} s"
    row("first run: reminder e-mails rendered and queued, their time", lambda r: mailing(r["daily_first"]))
    row("first run: Odoo's sanitizing of those e-mails' message bodies alone (timed apart)",
        lambda r: f"{r['daily_first']['mailing']['sanitize_wall']:.2f} s"
        if "sanitize_wall" in r["daily_first"].get("mailing", {}) else "n/a")
    row("first run without the e-mails' rendering and queueing", lambda r: (
        fmt_s(agg([r["daily_first"]["wall"] - r["daily_first"]["mailing"]["wall"]]))
        if r["daily_first"].get("mailing") else "n/a"))
    row("steady day: reminder e-mails rendered and queued, their time",
        lambda r: mailing(r["daily_steady"][len(r["daily_steady"]) // 2]) if r["daily_steady"] else "n/a")

    def month_end(r, fn):
        me = r.get("daily_month_end")
        return fn(me) if me else "n/a"
    row("month end (a fifth of the open invoices fell due the day before): invoices", lambda r: month_end(
        r, lambda me: f"{me['month_end']['invoices']} of {me['month_end']['open_invoices']} open"))
    row("month end: wall time", lambda r: month_end(r, lambda me: fmt_s(agg([me["wall"]]))))
    row("month end: SQL queries", lambda r: month_end(r, lambda me: fmt_q(agg([me["queries"]]))))
    row("month end: peak memory", lambda r: month_end(r, lambda me: fmt_mb([me["peak_rss_mb"]])))
    codes = []
    for r in runs:
        for run in [r["daily_first"], *r["daily_steady"]]:
            for code in run["steps"]:
                if code not in codes:
                    codes.append(code)
    registered = runs[-1]["daily_first"].get("registered", [])
    if not codes:
        row("steps", lambda r: "no step registered in this build")
    for code in codes:
        def cell(r, code=code, key="wall"):
            vals = [s["steps"][code][key] for s in r["daily_steady"] if code in s["steps"]]
            return agg(vals)
        row(f"step {code}: wall (steady)", lambda r, c=code: fmt_s(cell(r, c, "wall")))
        row(f"step {code}: queries (steady)", lambda r, c=code: fmt_q(cell(r, c, "queries")))
        row(f"step {code}: batches × customers (steady)", lambda r, c=code: (
            "{} × {}".format(*[int(statistics.median(v)) for v in (
                [s["steps"][c]["batches"] for s in r["daily_steady"] if c in s["steps"]] or [0],
                [s["steps"][c]["partners"] for s in r["daily_steady"] if c in s["steps"]] or [0])])))
        row(f"step {code}: queries per batch (steady)", lambda r, c=code: per_batch(r["daily_steady"], c))
        row(f"step {code}: queries per batch (first run / month end)", lambda r, c=code: (
            per_batch([r["daily_first"]], c) + " / "
            + (per_batch([r["daily_month_end"]], c) if r.get("daily_month_end") else "n/a")))
        row(f"step {code}: wall / queries (first run)", lambda r, c=code: (
            f"{r['daily_first']['steps'][c]['wall']:.2f} s / {r['daily_first']['steps'][c]['queries']}"
            if c in r["daily_first"]["steps"] else "n/a"))
        row(f"step {code}: peak RSS growth (first / steady)", lambda r, c=code: (
            f"{r['daily_first']['steps'].get(c, {}).get('rss_growth_mb', 0):.0f} / "
            f"{max([s['steps'][c]['rss_growth_mb'] for s in r['daily_steady'] if c in s['steps']] or [0]):.0f} MiB"))
    w("")
    w("Registered steps: " + (", ".join(f"{s[0]} {s[1]} ({s[2]}.{s[3]})" for s in registered) or "none") + ".")
    w("")
    w("## Interactive checks")
    w("")
    w(hdr)
    w("|---" * (len(runs) + 1) + "|")
    for count in ("2", "100", "1000"):
        for variant, label in (("plain", "plain confirm (checks skipped)"),
                               ("ours", "confirm with this addon's check"),
                               ("oca", "confirm with OCA sale_financial_risk check")):
            def conf(r, v=variant, c=count):
                d = r.get("confirm", {}).get(f"{v}:{c}")
                if not d:
                    return "n/a"
                t = fmt_s(agg(d["wall"]), "ms") + ", " + fmt_q(agg(d["queries"])) + " q"
                if d["errors"]:
                    first_error = str(d["errors"][0]).replace("\n", " ")[:160]
                    t += f" — {len(d['errors'])} refused, e.g. {first_error}…"
                return t
            row(f"{label}, customer with {count} invoices", conf)
        def delta(r, c=count, v="ours"):
            d = r.get("confirm", {})
            if f"{v}:{c}" not in d:
                return "n/a"
            dt, dq = confirm_added(d, c, v)
            text = f"+{dq:.0f} q, {dt * 1000:+.1f} ms"
            own = d[f"{v}:{c}"].get("own")
            if own:
                text += f" (inside: the check {statistics.median(own) * 1000:.1f} ms"
                if d[f"{v}:{c}"].get("own_sql"):
                    text += f", its statement {statistics.median(d[f'{v}:{c}']['own_sql']) * 1000:.1f} ms"
                text += ")"
            return text
        row(f"**added by this addon's check** ({count} invoices)", delta)
        row(f"added by OCA's check ({count} invoices)", lambda r, c=count: delta(r, c, "oca"))

    def flt(key, unit="ms"):
        def f(r):
            d = r.get("filters", {}).get(key, {})
            if "na" in d or not d:
                return "n/a (" + d.get("na", "not measured") + ")"
            extra = f", {d['found']} found" if "found" in d else f", {d.get('rows', 0)} rows"
            return fmt_s(agg(d["wall"]), unit) + ", " + fmt_q(agg(d["queries"])) + " q" + extra
        return f
    row("\"blocked customers\" filter", flt("blocked_filter"))
    row("aging report over all customers", flt("aging_report", "s"))

    def dash(r):
        d = r.get("dashboard")
        if not d or "na" in d:
            return "n/a (" + (d or {}).get("na", "not measured") + ")"
        cases = sum(c["open_cases"] for c in d["companies"].values())
        return (fmt_s(agg(d["wall"]), "ms") + ", " + fmt_q(agg(d["queries"])) + " q"
                + f", slowest of {len(d['companies'])} companies ({cases} open cases)")
    row("owner's overview (Debt Control → Overview), one company", dash)
    w("")
    w("## Side by side with OCA (same data, same run)")
    w("")
    w(hdr)
    w("|---" * (len(runs) + 1) + "|")

    def oca(key, field="wall"):
        def f(r):
            s = r.get(key)
            if not s:
                return "n/a"
            if any(x.get("timed_out") for x in s):
                return f"> {s[0]['wall']:.0f} s (stopped)" if field == "wall" else "n/a (stopped)"
            t = agg([x[field] for x in s])
            return fmt_s(t) if field == "wall" else fmt_q(t)
        return f
    row("OCA credit line generation, first run: wall", oca("oca_lines_first"))
    row("OCA credit line generation, first run: queries", oca("oca_lines_first", "queries"))
    row("OCA credit lines created (first run)", lambda r: str(r["oca_lines_first"][0]["lines"]) if r.get("oca_lines_first") else "n/a")
    row("OCA credit line generation, next day: wall", oca("oca_lines_steady"))
    row("OCA credit line generation, next day: queries", oca("oca_lines_steady", "queries"))
    row("OCA credit line generation: peak memory", lambda r: fmt_mb(
        [x.get("peak_rss_mb") for x in r.get("oca_lines_first", []) + r.get("oca_lines_steady", [])]))
    row("OCA risk of all customers (\"risk exceeded\" filter): wall", oca("oca_risk"))
    row("OCA risk of all customers: queries", oca("oca_risk", "queries"))
    row("OCA risk of all customers: peak memory", lambda r: fmt_mb([x["peak_rss_mb"] for x in r.get("oca_risk", [])]))

    row("**daily first run vs OCA credit line generation, first run**",
        lambda r: ratio_text(ratio(r, "first", "oca_lines_first")))
    row("**daily run, steady day vs OCA credit line generation, next day**",
        lambda r: ratio_text(ratio(r, "steady", "oca_lines_steady")))
    row("daily first run without its e-mails vs OCA credit line generation, first run (which writes no e-mail)",
        lambda r: ratio_text(ratio(r, "first without mails", "oca_lines_first"))
        if r["daily_first"].get("mailing") else "n/a")
    w("")
    w(f"## Targets (scale {runs[-1]['scale']})")
    w("")
    w(targets(runs))
    for path in extra or []:
        with open(path) as f:
            big = json.load(f)
        w("")
        w(larger(big))
    text = "\n".join(lines) + "\n"
    with open(md_path, "w") as f:
        f.write(text)
    print(text)


def larger(r):
    """The section of a run at a larger scale, measured once on its own."""
    d, m = r["data"], r["machine"]
    out = [f"## A larger chain: scale {r['scale']} (measured once)", "",
           f"Measured {r['date']} on {m['nproc']} CPU ({m['cpu']}), {m['ram_gib']} GiB RAM; load average "
           f"{'/'.join(f'{x:.1f}' for x in r.get('loadavg_start', []))} → "
           f"{'/'.join(f'{x:.1f}' for x in r.get('loadavg_end', []))}; code: {r.get('code', '?')}. "
           f"Data: {d['customers']} customers, {d['invoices']} invoices, {d['overdue_invoices']} overdue "
           f"({d['overdue_customers']} customers), generated in {d['generation_seconds']} s.", "",
           "| measurement | value |", "|---|---|"]

    def add(label, value):
        out.append(f"| {label} | {value} |")
    st = r.get("daily_steady") or []
    if st:
        add("steady day: wall / queries / peak memory",
            f"{fmt_s(agg([s['wall'] for s in st]))} / {fmt_q(agg([s['queries'] for s in st]))} / "
            f"{fmt_mb([s['peak_rss_mb'] for s in st])}")
    for key, label in (("daily_first", "first run over the backlog"), ("daily_month_end", "month end")):
        run = r.get(key)
        if run:
            add(f"{label}: wall / queries / peak memory",
                f"{run['wall']:.2f} s / {run['queries']} / {run['peak_rss_mb']:.0f} MiB")
    conf = r.get("confirm", {})
    for c in ("2", "100", "1000"):
        if f"ours:{c}" in conf:
            dt, dq = confirm_added(conf, c, "ours")
            add(f"confirmation check added ({c} invoices)", f"+{dq:.0f} q, {dt * 1000:+.1f} ms")
    for key, label, unit in (("blocked_filter", "\"blocked customers\" filter", "ms"),
                             ("aging_report", "aging report over all customers", "s")):
        f = r.get("filters", {}).get(key, {})
        if "wall" in f:
            add(label, fmt_s(agg(f["wall"]), unit) + ", " + fmt_q(agg(f["queries"])) + " q")
    return "\n".join(out)


def ratio(r, ours_key, oca_key):
    """(OCA's wall ÷ ours, whether OCA's run was stopped: then the ratio is a lower
    bound), or None when not measured. Like for like: a first run against OCA's first
    run, a steady day against OCA's next day."""
    if not r.get(oca_key):
        return None
    if ours_key == "steady":
        ours = statistics.median([s["wall"] for s in r["daily_steady"]])
    elif ours_key == "first without mails":
        ours = r["daily_first"]["wall"] - r["daily_first"].get("mailing", {}).get("wall", 0.0)
    else:
        ours = r["daily_first"]["wall"]
    if ours <= 0:
        return None
    theirs = statistics.median([x["wall"] for x in r[oca_key]])
    return theirs / ours, any(x.get("timed_out") for x in r[oca_key])


def ratio_text(value):
    if value is None:
        return "n/a"
    x, lower_bound = value
    if lower_bound:
        return f"at least {x:.1f}× faster (OCA's run stopped)"
    return f"{x:.1f}× faster" if x >= 1 else f"{1 / x:.1f}× slower"


def per_batch_value(samples, code):
    vals = [(s["steps"][code]["queries"], s["steps"][code]["batches"])
            for s in samples if code in s.get("steps", {})]
    if not vals:
        return None
    q, b = vals[len(vals) // 2]
    return q / b if b else None


def flatness(runs):
    """Per step and kind of day: queries per batch at the largest scale ÷ at the smallest
    (1.0 = flat), for the scales measured together."""
    small, large = runs[0], runs[-1]
    out = {}
    for kind, pick in (("steady", lambda r: r["daily_steady"]), ("first run", lambda r: [r["daily_first"]])):
        for code in large["daily_first"]["steps"]:
            a, b = per_batch_value(pick(small), code), per_batch_value(pick(large), code)
            if a and b:
                out[(code, kind)] = (a, b, b / a)
    return out


def per_batch(samples, code):
    vals = [(s["steps"][code]["queries"], s["steps"][code]["batches"])
            for s in samples if code in s["steps"]]
    if not vals:
        return "n/a"
    q, b = vals[len(vals) // 2]
    return f"{q / b:.1f}" if b else f"{q} (0 batches)"


def targets(runs):
    r = runs[-1]
    out = ["| target | measured | met |", "|---|---|---|"]

    def line(label, value, ok):
        out.append(f"| {label} | {value} | {'yes' if ok else '**NO**'} |")

    st = r["daily_steady"]
    wall = statistics.median([s["wall"] for s in st])
    q = statistics.median([s["queries"] for s in st])
    first = r["daily_first"]["wall"]
    peak = max(s["peak_rss_mb"] for s in st + [r["daily_first"]])
    mails = r["daily_first"].get("mailing") or {}
    floor = (f" (its {mails['mails']} reminder e-mails: Odoo's sanitizing of their bodies alone "
             f"{mails['sanitize_wall']:.2f} s)") if "sanitize_wall" in mails else ""
    line("first run over the backlog ≤ 10 s", f"{first:.2f} s{floor}", first <= 10)
    first_ratio = ratio(r, "first", "oca_lines_first")
    line("first run ≥ 10× faster than OCA's first credit line run", ratio_text(first_ratio),
         bool(first_ratio) and first_ratio[0] >= 10)
    steady_ratio = ratio(r, "steady", "oca_lines_steady")
    line("steady day ≥ 10× faster than OCA's next-day credit line run", ratio_text(steady_ratio),
         bool(steady_ratio) and steady_ratio[0] >= 10)
    line("steady day ≤ 60 s", f"{wall:.2f} s", wall <= 60)
    line("steady day < 1 000 SQL queries", f"{q:.0f}", q < 1000)
    line("peak memory of the run ≤ 1 GiB", f"{peak:.0f} MiB", peak <= 1024)
    d = r.get("confirm", {})
    if "ours:2" in d:
        adds = []
        for c in ("2", "100", "1000"):
            dt, dq = confirm_added(d, c, "ours")
            adds.append((c, dq, dt))
        qs = {a[1] for a in adds}
        line("confirmation check adds ≤ 1 query, constant 2…1 000 invoices",
             ", ".join(f"{c}: +{dq:.0f}" for c, dq, _ in adds), max(qs) <= 1 and len(qs) == 1)
        line("confirmation check adds ≤ 2 ms", ", ".join(f"{c}: {dt * 1000:+.1f} ms" for c, _, dt in adds),
             max(a[2] for a in adds) <= 0.002)
    if len(runs) > 1:
        flat = flatness(runs)
        worst = max(flat.items(), key=lambda kv: kv[1][2]) if flat else None
        line(f"queries per batch of every step flat from scale {runs[0]['scale']} to {r['scale']} "
             "(≤ 20 % growth)",
             "; ".join(f"{code} ({kind}) {a:.0f} → {b:.0f}" for (code, kind), (a, b, _g) in flat.items()
                       if _g > 1.0) or "no step grows",
             worst is None or worst[1][2] <= 1.2)
    bf = r.get("filters", {}).get("blocked_filter", {})
    if "wall" in bf:
        t = statistics.median(bf["wall"])
        line("\"blocked customers\" filter < 50 ms", f"{t * 1000:.1f} ms", t < 0.05)
    else:
        line("\"blocked customers\" filter < 50 ms", bf.get("na", "n/a"), False)
    dash = r.get("dashboard", {})
    if "wall" in dash:
        t = statistics.median(dash["wall"])
        line("owner's overview < 1 s", f"{t * 1000:.0f} ms", t < 1.0)
    else:
        line("owner's overview < 1 s", dash.get("na", "not measured"), False)
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("-c", "--config")
    p.add_argument("-d", "--database")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", "3")))
    p.add_argument("--reps-inner", type=int, default=int(os.environ.get("BENCH_REPS_INNER", "15")))
    p.add_argument("--out")
    p.add_argument("--worker", choices=sorted(WORKERS))
    p.add_argument("--date")
    p.add_argument("--steady", action="store_true")
    p.add_argument("--month-end", action="store_true",
                   help="with --worker daily: a fifth of the open invoices fall due the day before")
    p.add_argument("--profile", action="store_true",
                   help="with --worker daily: write per-step statements and Python profile")
    p.add_argument("--report", nargs="*")
    p.add_argument("--md", default=os.path.join(BENCH, "results.md"))
    p.add_argument("--extra", nargs="*", help="with --report: runs at a larger scale, one section each")
    args = p.parse_args()
    if args.report is not None:
        report(args.report, args.md, args.extra)
    elif args.worker:
        run_worker(args)
    else:
        driver(args)


if __name__ == "__main__":
    main()
