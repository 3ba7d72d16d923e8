#!/usr/bin/env bash
# make test: fresh database with the addon, every test once, lint. Non-zero on any failure
# and on any skipped test (a skipped test is a test that did not run).
#   make test ARGS="-k penalty"      a subset of the pytest-odoo tests (tours and lint skipped)
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
mkdir -p .odoo-data
fail=0
fresh_db "$TEST_DB" || exit 1

echo "[test] pytest-odoo: post-install tests"
"$VENV/bin/pytest" -p no:cacheprovider --odoo-config="$CONF" --odoo-database="$TEST_DB" \
    -rs --ignore-glob='*/test_tour*.py' auto_service_debt/tests ${ARGS} 2>&1 | tee .odoo-data/pytest.log
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || { echo "[test] FAILED: pytest-odoo exited $rc"; fail=1; }
if grep -qE "^[=]+ .*[0-9]+ skipped" .odoo-data/pytest.log; then
  echo "[test] FAILED: some tests were skipped (see SKIPPED lines above)"; fail=1
fi

if [ -z "$ARGS" ]; then
  echo "[test] Odoo runner: browser tours (HttpCase, headless Chromium)"
  command -v chromium >/dev/null || { echo "[test] FAILED: chromium is missing"; fail=1; }
  "${ODOO[@]}" -d "$TEST_DB" --test-enable --test-tags=asd_tour --stop-after-init \
      --http-port="${TEST_HTTP_PORT:-8169}" --log-level=test >.odoo-data/tours.log 2>&1
  rc=$?
  grep -E "INFO .*(Ran|tests|Starting)|ERROR|FAIL|skip" .odoo-data/tours.log | tail -20
  summary=$(grep -E "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" .odoo-data/tours.log | tail -1)
  echo "[test] tours: ${summary:-no summary line}"
  if [ "$rc" != 0 ] || [ -z "$summary" ] || ! echo "$summary" | grep -qE " 0 failed, 0 error\(s\) of [1-9]"; then
    echo "[test] FAILED: tours (see .odoo-data/tours.log)"; fail=1
  fi
  if grep -qiE "skipped|skipping" .odoo-data/tours.log; then
    grep -iE "skipped|skipping" .odoo-data/tours.log | head -5
    echo "[test] FAILED: a browser test was skipped"; fail=1
  fi
  bash "$ROOT/scripts/lint.sh" || fail=1
fi
if [ "$fail" = 0 ]; then echo "[test] ALL PASSED"; else echo "[test] FAILURES (see above)"; fi
exit $fail
