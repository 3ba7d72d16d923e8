#!/usr/bin/env bash
# Lint: ruff, pylint-odoo (OCA mandatory checks), XML well-formedness.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
fail=0
echo "[lint] ruff"
"$VENV/bin/ruff" check auto_service_debt bench scripts || fail=1
echo "[lint] pylint-odoo (mandatory checks)"
"$VENV/bin/pylint" --rcfile=.pylintrc-mandatory auto_service_debt || fail=1
echo "[lint] XML well-formed"
"$VENV/bin/python" - <<'PY' || fail=1
import pathlib, sys
from lxml import etree
bad = 0
for p in pathlib.Path("auto_service_debt").rglob("*.xml"):
    try:
        etree.parse(str(p))
    except etree.XMLSyntaxError as e:
        print(f"{p}: {e}"); bad += 1
sys.exit(1 if bad else 0)
PY
[ "$fail" = 0 ] && echo "[lint] OK" || echo "[lint] FAILED"
exit $fail
