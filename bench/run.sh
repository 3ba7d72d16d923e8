#!/usr/bin/env bash
# make bench: benchmark databases with generated data (created once per scale, then reused),
# OCA's credit-control and financial-risk modules beside the addon, measurements, and the
# results table (printed and written to bench/results.md).
#   BENCH_SCALES="0.1 1.0"   scales to run (1.0 = 20 000 customers, 200 000 invoices)
#   BENCH_SCALE=1.0          a single scale (overrides BENCH_SCALES)
#   BENCH_FRESH=1            regenerate the data even when the database exists
#   BENCH_REPS=3             repetitions of each measurement (median, min, max)
#   BENCH_BATCH=5000         customers per batch of the daily run
#   BENCH_REF=HEAD           measure a commit instead of the working tree
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"
cd "$ROOT"
mkdir -p .odoo-data
SCALES=${BENCH_SCALE:-${BENCH_SCALES:-0.1 1.0}}
ADDONS=$ROOT/.odoo-data/bench-addons
BENCH_CONF=$ROOT/.odoo-data/bench.conf
PY=$VENV/bin/python
OCA_WHEELS=(
  "odoo-addon-account-credit-control==${OCA_CREDIT_CONTROL_VERSION:-18.0.2.0.2.6}"
  "odoo-addon-account-financial-risk==${OCA_FINANCIAL_RISK_VERSION:-18.0.1.2.1}"
  "odoo-addon-sale-financial-risk==${OCA_SALE_FINANCIAL_RISK_VERSION:-18.0.1.0.8}"
)
OCA_MODULES=account_credit_control,account_financial_risk,sale_financial_risk
say() { printf '[bench] %s\n' "$*"; }

# OCA's modules go to a directory of their own, on the addons path of a configuration used
# by the benchmark only: the addon itself never depends on them. Their dependencies are
# Odoo's own modules (base, account, mail, sale), so --no-deps loses nothing.
stamp=$ADDONS/.stamp
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "${OCA_WHEELS[*]}" ]; then
  say "installing OCA wheels into $ADDONS: ${OCA_WHEELS[*]}"
  rm -rf "$ADDONS"
  "$VENV/bin/pip" install -q --no-deps --target "$ADDONS" "${OCA_WHEELS[@]}"
  echo "${OCA_WHEELS[*]}" > "$stamp"
fi
# The benchmark measures a snapshot of the addon taken now, so that the code cannot change
# between the update of the database and the last measurement.
SNAP=$ROOT/.odoo-data/bench-src
#   BENCH_REF=HEAD (any commit) measures that commit instead of the working tree.
rm -rf "$SNAP" && mkdir -p "$SNAP"
if [ -n "${BENCH_REF:-}" ]; then
  git -C "$ROOT" archive "$BENCH_REF" auto_service_debt | tar -x -C "$SNAP"
  BENCH_CODE="commit $(git -C "$ROOT" rev-parse --short "$BENCH_REF")"
else
  cp -a "$ROOT/auto_service_debt" "$SNAP/"
  BENCH_CODE="working tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  [ -z "$(git -C "$ROOT" status --porcelain auto_service_debt 2>/dev/null)" ] || BENCH_CODE="$BENCH_CODE with local changes"
fi
export BENCH_CODE
find "$SNAP" -name __pycache__ -prune -exec rm -rf {} +
sed -e "s#^addons_path = $ROOT,\(.*\)#addons_path = $SNAP,\1,$ADDONS/odoo/addons#" "$CONF" > "$BENCH_CONF"
grep -q "^addons_path = $SNAP," "$BENCH_CONF" || { echo "[bench] ERROR: unexpected addons_path in $CONF"; exit 1; }
BODOO=("$PY" "$ODOO_SRC/odoo-bin" -c "$BENCH_CONF")

results=()
for scale in $SCALES; do
  db=asd_bench_${scale//./_}
  have=$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'")
  ready=""
  if [ -n "$have" ]; then
    ready=$(psql -d "$db" -tAc "SELECT 1 FROM ir_config_parameter WHERE key='asd.bench.generated'" 2>/dev/null || true)
  fi
  if [ "${BENCH_FRESH:-0}" = 1 ] || [ -z "$ready" ]; then
    t0=$(date +%s)
    fresh_db "$db"
    say "installing OCA modules into $db"
    "${BODOO[@]}" -d "$db" -i "$OCA_MODULES" --stop-after-init --log-level=warn \
        >".odoo-data/bench-oca-$db.log" 2>&1 || { tail -40 ".odoo-data/bench-oca-$db.log"; exit 1; }
    say "generating data at scale $scale"
    (cd bench && "$PY" generate.py -c "$BENCH_CONF" -d "$db" --scale "$scale") > ".odoo-data/bench-gen-$db.json"
    say "database $db ready in $(( $(date +%s) - t0 )) s"
  else
    say "reusing $db (BENCH_FRESH=1 regenerates)"
  fi
  say "updating the addon in $db to the snapshot of the current code"
  "${BODOO[@]}" -d "$db" -u auto_service_debt --stop-after-init --log-level=warn \
      >".odoo-data/bench-update-$db.log" 2>&1 || { tail -40 ".odoo-data/bench-update-$db.log"; exit 1; }
  # The batch size of the daily run (the addon's default unless BENCH_BATCH says otherwise).
  psql -q -d "$db" -c "UPDATE res_company SET debt_batch_size = ${BENCH_BATCH:-5000}"
  # Statistics are part of the copy below; autovacuum may be off on the server.
  psql -q -d "$db" -c "VACUUM ANALYZE"
  # Daily runs are committed: measure on a copy so that the generated data stays as it was.
  run_db=${db}_run
  dropdb --if-exists --force "$run_db"
  createdb -T "$db" "$run_db"
  # The first run is over the whole backlog: no company has a daily run yet (the demo shop's
  # run at installation, before the data were generated, is forgotten).
  psql -q -d "$run_db" -c "DELETE FROM debt_daily_run_state"
  say "measuring on $run_db"
  "$PY" bench/measure.py -c "$BENCH_CONF" -d "$run_db" --scale "$scale" --out "bench/results-$scale.json"
  results+=("bench/results-$scale.json")
done
# The report compares the default scales (0.1 and 1.0, from their latest results files);
# a run at a larger scale (`BENCH_SCALE=3.0 make bench`, measured once on its own) gets a
# section of its own.
main=() extra=()
for f in bench/results-*.json; do
  case "$f" in bench/results-0.1.json|bench/results-1.0.json) main+=("$f") ;; *) extra+=("$f") ;; esac
done
"$PY" bench/measure.py --report "${main[@]}" --md bench/results.md ${extra[@]:+--extra "${extra[@]}"}
say "results written to bench/results.md"
