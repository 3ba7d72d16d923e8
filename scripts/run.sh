#!/usr/bin/env bash
# make run: Odoo 18 on http://localhost:$HTTP_PORT with the demo database (created on
# first run: addon + demo data, Russian active for the users).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
mkdir -p .odoo-data
if ! psql -d "$DEMO_DB" -tAc "SELECT 1 FROM ir_module_module WHERE name='auto_service_debt' AND state='installed'" 2>/dev/null | grep -q 1; then
  echo "[run] creating the demo database $DEMO_DB"
  fresh_db "$DEMO_DB"
fi
echo "[run] Odoo on http://localhost:$HTTP_PORT  (database $DEMO_DB; login admin / admin)"
exec "${ODOO[@]}" -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" --http-port="$HTTP_PORT" ${RUN_ARGS:-}
