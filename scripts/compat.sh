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

# ---- with the addon ---------------------------------------------------------------------------
# The addon's code without its demo shop: Odoo's tests then see the data they see on the plain
# tree (the demo's ten customers with invoices would, for one, come first in the customer-first
# autocomplete that Odoo's own repair tour picks its new partner from). Odoo gives a module the
# demo data of its installed dependencies, so the module is marked for installation without demo
# data in SQL and installed by an update run.
say "installing auto_service_debt (without its demo shop) into $ADDON_DB"
copy_template "$ADDON_DB"
psql -d "$ADDON_DB" -qc "UPDATE ir_module_module SET state = 'to install', demo = false
                          WHERE name = 'auto_service_debt' AND state = 'uninstalled'" \
  || die "could not mark the addon for installation in $ADDON_DB"
install_log=$ROOT/.odoo-data/install-$ADDON_DB.log
"${ODOO[@]}" -d "$ADDON_DB" -u auto_service_debt --stop-after-init --log-level=warn >"$install_log" 2>&1 \
  || { tail -40 "$install_log" >&2; die "could not install the addon into $ADDON_DB"; }
if grep -E " (ERROR|CRITICAL) " "$install_log" >&2; then die "the installation into $ADDON_DB logged errors (above)"; fi
psql -d "$ADDON_DB" -tAc "SELECT 1 FROM ir_module_module WHERE name = 'auto_service_debt' AND state = 'installed'" \
  | grep -q 1 || die "the addon is not installed in $ADDON_DB"
english_users "$ADDON_DB"
run_tests "$ADDON_DB" "$ROOT/.odoo-data/compat-addon.log"
addon=$ROOT/.odoo-data/compat-addon.parsed
parse_log "$ROOT/.odoo-data/compat-addon.log" "$addon" || die "could not read the addon log"
check_parsed "$addon" "$ROOT/.odoo-data/compat-addon.log" "with the addon"

# ---- the comparison --------------------------------------------------------------------------
ids() { sed -n "s/^$2 //p" "$1" | sort -u; }
plain_fail=$(ids "$baseline" fail); addon_fail=$(ids "$addon" fail)
allowed=$(cut -f1 "$allowed_ids" | sort -u)
only_addon=$(comm -13 <(echo "$plain_fail") <(echo "$addon_fail") | sed '/^$/d')
unexpected=$(comm -23 <(echo "$only_addon") <(echo "$allowed") | sed '/^$/d')
allowed_seen=$(comm -12 <(echo "$only_addon") <(echo "$allowed") | sed '/^$/d')
allowed_unseen=$(comm -23 <(echo "$allowed") <(echo "$only_addon") | sed '/^$/d')
both=$(comm -12 <(echo "$plain_fail") <(echo "$addon_fail") | sed '/^$/d')
fixed=$(comm -23 <(echo "$plain_fail") <(echo "$addon_fail") | sed '/^$/d')
not_run=$(comm -23 <(ids "$baseline" started) <(ids "$addon" started) | sed '/^$/d')
skipped_only=$(comm -13 <(ids "$baseline" skip) <(ids "$addon" skip) | sed '/^$/d')
count() { if [ -z "$1" ]; then echo 0; else echo "$1" | wc -l; fi; }
addon_run=$(awk '/^summary /{print $4}' "$addon")
addon_failing_tests=$(comm -12 <(echo "$addon_fail") <(ids "$addon" started) | sed '/^$/d')

echo
say "plain Odoo:      $(summary_of "$baseline")"
say "with the addon:  $(summary_of "$addon")"
if [ -n "$both" ]; then
  say "failing on the plain tree too (not counted): $(count "$both")"
  echo "$both" | sed 's/^/    /'
fi
[ -z "$fixed" ] || say "failing on the plain tree only: $(count "$fixed")"
if [ -n "$allowed_seen" ]; then
  say "allowed differences seen (compat_allowed.txt): $(count "$allowed_seen")"
  while IFS= read -r id; do
    printf '    %s  # %s\n' "$id" "$(awk -F'\t' -v i="$id" '$1 == i {print $2}' "$allowed_ids")"
  done <<<"$allowed_seen"
fi
if [ -n "$allowed_unseen" ]; then
  say "allowed but not failing with the addon (remove from compat_allowed.txt?): $(count "$allowed_unseen")"
  echo "$allowed_unseen" | sed 's/^/    /'
fi
if [ -n "$not_run" ]; then
  say "FAILED: tests of the plain run that did not run with the addon: $(count "$not_run")"
  echo "$not_run" | head -50 | sed 's/^/    /'
fi
if [ -n "$skipped_only" ]; then
  say "FAILED: tests skipped only with the addon: $(count "$skipped_only")"
  echo "$skipped_only" | head -50 | sed 's/^/    /'
fi
if [ -n "$unexpected" ]; then
  say "FAILED: failing only with the addon: $(count "$unexpected") (see .odoo-data/compat-addon.log)"
  while IFS= read -r id; do
    echo "    $id"
    grep -F "msg $id " "$addon" | head -1 | cut -d' ' -f3- | cut -c1-400 | sed 's/^/        /'
  done <<<"$unexpected"
else
  say "no test fails only with the addon"
fi
n_failed=$(( $(count "$unexpected") + $(count "$not_run") + $(count "$skipped_only") ))
n_passed=$(( addon_run - $(count "$addon_failing_tests") - $(count "$(ids "$addon" skip)") ))
echo "compat: $n_passed passed, $n_failed failed"
[ "$n_failed" = 0 ]
