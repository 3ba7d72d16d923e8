#!/usr/bin/env bash
# Lint: ruff, pylint-odoo (OCA mandatory checks), XML well-formedness.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
fail=0
echo "[lint] ruff"
"$VENV/bin/ruff" check auto_service_debt bench scripts || fail=1
echo "[lint] pylint-odoo (OCA mandatory checks)"
"$VENV/bin/pylint" --rcfile=.pylintrc-mandatory auto_service_debt || fail=1
echo "[lint] pylint-odoo (OCA advisory checks, not fatal)"
"$VENV/bin/pylint" --rcfile=.pylintrc --exit-zero auto_service_debt | grep -E '^\S+:[0-9]+:' | sed 's/^/  advisory: /' || true
echo "[lint] translatable terms: every Python file reads through the terms extractor"
"$VENV/bin/python" - <<'PY' || fail=1
# Odoo exports code terms with Babel's Python extractor, which evaluates the string arguments
# of _() calls: an f-string argument there stops the extraction of the rest of the file.
import io, pathlib, sys
from babel.messages.extract import extract_python
bad = []
for path in sorted(pathlib.Path("auto_service_debt").rglob("*.py")):
    try:
        list(extract_python(io.BytesIO(path.read_bytes()), ["_", "_lt"], [], {}))
    except Exception as error:  # noqa: BLE001
        bad.append(f"{path}: {error!r}")
for line in bad:
    print(f"  {line} (no f-string among the arguments of _())")
sys.exit(1 if bad else 0)
PY
echo "[lint] XML well-formed, no duplicate XML ids, no deprecated <tree>"
"$VENV/bin/python" - <<'PY' || fail=1
import pathlib, sys
from lxml import etree
bad = 0
seen = {}
for p in sorted(pathlib.Path("auto_service_debt").rglob("*.xml")):
    try:
        doc = etree.parse(str(p))
    except etree.XMLSyntaxError as e:
        print(f"{p}: {e}"); bad += 1
        continue
    for node in doc.iter("record", "template", "menuitem"):
        xmlid = node.get("id")
        if xmlid and "." not in xmlid:
            if xmlid in seen:
                print(f"{p}:{node.sourceline}: duplicate XML id {xmlid} (also {seen[xmlid]})"); bad += 1
            seen[xmlid] = f"{p}:{node.sourceline}"
    for node in doc.iter("tree"):
        print(f"{p}:{node.sourceline}: <tree> is <list> in Odoo 18"); bad += 1
sys.exit(1 if bad else 0)
PY
[ "$fail" = 0 ] && echo "[lint] OK" || echo "[lint] FAILED"
exit $fail
