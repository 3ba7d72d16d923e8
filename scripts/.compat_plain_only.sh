#!/usr/bin/env bash
# make compat: Odoo's own post-install tests of the modules the addon extends, once on the
# plain Odoo tree (cached baseline) and once with the addon installed. Non-zero when a test
# fails or errors only with the addon (except the entries of compat_allowed.txt), when a test
# of the plain run did not run (or was skipped) with the addon, or when a run gave no summary
# or ran 0 tests.
#   COMPAT_REFRESH=1 make compat          recompute the plain-tree baseline
#   COMPAT_MODULES=fleet,repair make compat   a subset of the modules (its own baseline)
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
export LC_ALL=C

# Bump when the way the plain-tree baseline is produced or stored changes (invalidates caches).
COMPAT_VERSION=1
COMPAT_MODULES=${COMPAT_MODULES:-account,sale,sale_management,repair,fleet}
PLAIN_DB=${COMPAT_PLAIN_DB:-asd_compat_plain}
ADDON_DB=${COMPAT_ADDON_DB:-asd_compat_addon}
PORT=${COMPAT_HTTP_PORT:-8469}
RUN_TIMEOUT=${COMPAT_TIMEOUT:-3600}
ALLOWED=$ROOT/compat_allowed.txt
CACHE_DIR=${COMPAT_CACHE_DIR:-$HOME/.cache/auto_service_debt}
PY=$VENV/bin/python
say() { printf '[compat] %s\n' "$*"; }
die() { printf '[compat] ERROR: %s\n' "$*" >&2; echo "compat: 0 passed, 1 failed"; exit 1; }

# Post-install tests only: on an installed database Odoo also runs the at-install tests of each
# module while it loads the modules, in a registry of the modules loaded so far (without the
# addon, which loads last); there they fail on plain Odoo too and check nothing of the addon.
tags=$(echo "$COMPAT_MODULES" | sed -e 's#^#/#' -e 's#,#,/#g'),-at_install
key=$( (cat "$ODOO_SRC/odoo/release.py"; echo "$COMPAT_MODULES $COMPAT_VERSION $(template_db)") \
       | sha1sum | cut -c1-12)
baseline=$CACHE_DIR/compat-plain-$key.txt

# parse LOG OUT: the run's summary, the tests started and the failing test ids, as lines
#   summary <failed> <errors> <run>  |  started <id>  |  fail <id>  |  skip <id>  |  msg <id> <excerpt>
# An id is the test's Python path without "odoo.addons.": sale.tests.test_x.TestClass.test_y
# (a subtest counts as its test; a setUpClass error as <module path>.<Class>.setUpClass).
parse_log() {
  "$PY" - "$1" >"$2" <<'PY'
import re, sys
HEAD = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) \S+ (\S+): (.*)$')
TEST = re.compile(r'^(?:Subtest )?([\w.]+)\.(\w+)(?: .*)?$')  # a subtest: "[msg] (params)" after
HOLDER = re.compile(r'^(setUpClass|tearDownClass|setUpModule|tearDownModule) \((.+)\)$')
SUMMARY = re.compile(r'^(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database')

def test_id(logger, desc):
    m = HOLDER.match(desc)
    if m:
        path, meth = m.group(2), m.group(1)
    else:
        m = TEST.match(desc)
        if not m:
            return None
        path, meth = f'{logger}.{m.group(1)}', m.group(2)
    path = path.removeprefix('odoo.addons.')
    return f'{path}.{meth}'

out, summary, raw_failures, cur, tb = [], None, 0, None, {}
for line in open(sys.argv[1], encoding='utf-8', errors='replace'):
    line = line.rstrip('\n')
    m = HEAD.match(line)
    if not m:
        if cur is not None and line.strip():
            tb[cur].append(line.strip())
        continue
    cur = None
    level, logger, msg = m.group(1), m.group(2), m.group(3).rstrip()
    if level == 'INFO' and msg.startswith('Starting ') and msg.endswith(' ...'):
        tid = test_id(logger, msg[len('Starting '):-len(' ...')])
        if tid:
            out.append(f'started {tid}')
    elif level == 'INFO' and msg.startswith('skipped ') and ' : ' in msg:
        tid = test_id(logger, msg[len('skipped '):].split(' : ', 1)[0])
        if tid:
            out.append(f'skip {tid}')
    elif level == 'ERROR' and (msg.startswith('FAIL: ') or msg.startswith('ERROR: ')):
        raw_failures += 1
        desc = msg.split(': ', 1)[1]
        tid = test_id(logger, desc) or f'unparsed:{logger}:{desc}'
        out.append(f'fail {tid}')
        cur = tid
        tb.setdefault(tid, [])
    s = SUMMARY.match(msg)
    if s:
        summary = s.groups()
for tid, lines in tb.items():
    # the exception line(s) close a traceback: keep the last ones, short
    excerpt = ' | '.join(lines[-3:])[:600]
    out.append(f'msg {tid} {excerpt}')
if summary:
    out.append('summary %s %s %s' % summary)
    if int(summary[0]) + int(summary[1]) != raw_failures:
        out.append(f'mismatch {raw_failures}')
print('\n'.join(out))
PY
}

# run_tests DB LOG: Odoo's post-install tests of the modules on an installed database.
run_tests() {
  local db=$1 log=$2 t0=$SECONDS rc
  # another server on the port would answer this run's browser tests with its own database
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "port $PORT is in use (another make compat?); choose another one: make compat COMPAT_HTTP_PORT=8479"
  fi
  say "running Odoo's tests of $COMPAT_MODULES on $db (log: ${log#"$ROOT"/})"
  timeout "$RUN_TIMEOUT" "${ODOO[@]}" -d "$db" --test-enable --test-tags "$tags" --stop-after-init \
      --http-port="$PORT" --max-cron-threads=0 --log-level=test >"$log" 2>&1
  rc=$?
  [ "$rc" = 124 ] && say "the run on $db was stopped after ${RUN_TIMEOUT}s"
  RUN_SECONDS=$((SECONDS - t0))
  say "$db: Odoo exited $rc after $((RUN_SECONDS / 60)) min $((RUN_SECONDS % 60)) s"
  RUN_RC=$rc
  # A request that reaches the server between two browser test classes (from outside the run)
  # waits forever for the registry, and every later browser test waits 10 s for it.
  local hung; hung=$(grep -c "Stop waiting for thread" "$log")
  [ "$hung" = 0 ] || say "WARNING: $hung tests waited for a request that never ended (grep 'remaining requests' ${log#"$ROOT"/}); was something else sending requests to port $PORT?"
}

# check_parsed FILE LOG WHAT: the run must have a summary, have run tests, and every counted
# failure must have been attributed to a test.
check_parsed() {
  local f=$1 log=$2 what=$3 run
  grep -q '^summary ' "$f" || { tail -30 "$log" >&2; die "$what: no test summary in ${log#"$ROOT"/} (Odoo did not finish its tests)"; }
  run=$(awk '/^summary /{print $4}' "$f")
  [ "$run" -gt 0 ] || die "$what: 0 tests ran (see ${log#"$ROOT"/})"
  [ "$(grep -c '^started ' "$f")" -gt 0 ] || die "$what: no 'Starting' lines in ${log#"$ROOT"/} (log level too low?)"
  if grep -q '^mismatch ' "$f"; then
    die "$what: the summary counts $(awk '/^summary /{print $2+$3}' "$f") failures/errors but $(awk '/^mismatch /{print $2}' "$f") were found in the log"
  fi
  if grep -q '^fail unparsed:' "$f"; then
    grep '^fail unparsed:' "$f" >&2; die "$what: failures that could not be read as test ids (above)"
  fi
  if [ "${RUN_RC:-0}" != 0 ] && ! grep -q '^fail ' "$f"; then
    tail -30 "$log" >&2; die "$what: Odoo exited $RUN_RC without a failing test (see ${log#"$ROOT"/})"
  fi
  if grep -qE " (CRITICAL) " "$log"; then
    grep -E " CRITICAL " "$log" | head -5 >&2; die "$what: Odoo logged CRITICAL errors"
  fi
}

# english_users DB: Odoo's tests expect what a new database gives them: English active and the
# users they log in as (admin, demo, portal) in English. The base database is Russian (its
# only active language, the default language of new contacts), which fails the tours (amounts
# as "10,00") and the translation tests on the plain tree already and hides what they check.
# Both databases get the same change, after the addon's installation.
english_users() {
  psql -d "$1" -qc "UPDATE res_lang SET active = true WHERE code = 'en_US';
    UPDATE res_partner SET lang = 'en_US'
     WHERE id IN (SELECT partner_id FROM res_users WHERE login IN ('admin', 'demo', 'portal', '__system__'));
    DELETE FROM ir_default WHERE field_id IN
      (SELECT id FROM ir_model_fields WHERE model = 'res.partner' AND name = 'lang')" \
    || die "could not switch the users of $1 to English"
}

summary_of() { awk '/^summary /{printf "%d tests, %d failed, %d error(s)", $4, $2, $3}' "$1"; }

# ---- the allowed differences ---------------------------------------------------------------
[ -f "$ALLOWED" ] || die "missing $ALLOWED"
allowed_ids=$(mktemp); trap 'rm -f "$allowed_ids"' EXIT
bad=0
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in ''|'#'*) continue ;; esac
  id=$(echo "${line%%#*}" | xargs)
  reason=$(echo "$line" | sed -n 's/^[^#]*#[[:space:]]*//p')
  if [ -z "$id" ] || [ -z "$reason" ] || [ "$id" != "${id%% *}" ]; then
    say "bad line in compat_allowed.txt (want: <test id>  # <reason>): $line"; bad=1; continue
  fi
  printf '%s\t%s\n' "$id" "$reason" >>"$allowed_ids"
done <"$ALLOWED"
[ "$bad" = 0 ] || die "compat_allowed.txt has bad lines (above)"

# copy_template DB: a new database copied from the base database, with its own identity.
copy_template() {
  local db=$1 tdb; tdb=$(template_db)
  dropdb --if-exists --force "$db"
  createdb -T "$tdb" "$db" || die "could not copy $tdb"
  rm -rf "${FILESTORE:?}/$db"; mkdir -p "$FILESTORE"
  cp -a "$FILESTORE/$tdb" "$FILESTORE/$db"
  psql -d "$db" -qc "DELETE FROM ir_config_parameter WHERE key = 'asd.template.ready';
    UPDATE ir_config_parameter SET value = gen_random_uuid()::text WHERE key IN ('database.uuid', 'database.secret')"
}

# ---- the plain Odoo tree (cached) ---------------------------------------------------------------
ensure_template || die "no base database"
if [ -s "$baseline" ] && [ "${COMPAT_REFRESH:-0}" != 1 ]; then
  say "plain Odoo: cached result ${baseline/#"$HOME"/\~} ($(sed -n 's/^# made //p' "$baseline"))"
else
  say "plain Odoo: no cached result, building $PLAIN_DB from $(template_db) (no addon)"
  copy_template "$PLAIN_DB"
  english_users "$PLAIN_DB"
  run_tests "$PLAIN_DB" "$ROOT/.odoo-data/compat-plain.log"
  parsed=$(mktemp)
  parse_log "$ROOT/.odoo-data/compat-plain.log" "$parsed" || die "could not read the plain log"
  check_parsed "$parsed" "$ROOT/.odoo-data/compat-plain.log" "plain Odoo"
  mkdir -p "$CACHE_DIR"
  { echo "# made $(date -u +%Y-%m-%dT%H:%MZ) in ${RUN_SECONDS}s, Odoo $ODOO_SRC, modules $COMPAT_MODULES, version $COMPAT_VERSION"
    grep -v '^msg ' "$parsed"; } >"$baseline.tmp" && mv "$baseline.tmp" "$baseline"
  rm -f "$parsed"
  say "plain Odoo: result cached in ${baseline/#"$HOME"/\~}"
fi
