#!/usr/bin/env bash
# make i18n: export the addon's terms (.pot) from a database with the addon installed and
# merge them into i18n/ru.po, keeping existing translations (matched by msgid).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
DB=${I18N_DB:-asd_i18n}
fresh_db "$DB"
pot=auto_service_debt/i18n/auto_service_debt.pot
"${ODOO[@]}" -d "$DB" --i18n-export="$ROOT/$pot" --modules=auto_service_debt --stop-after-init --log-level=warn
po=auto_service_debt/i18n/ru.po
tmp=$(mktemp)
msguniq --use-first "$po" -o "$tmp"
msgmerge --quiet --no-fuzzy-matching --no-wrap "$tmp" "$pot" -o "$po"
rm -f "$tmp"
sed -i 's/^"Language: \\n"/"Language: ru\\n"/' "$po"
"$VENV/bin/python" "$ROOT/scripts/i18n_fill.py" "$po" "$ODOO_SRC"
missing=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
echo "[i18n] $po updated; untranslated entries: $(( missing > 0 ? missing - 1 : 0 ))"
