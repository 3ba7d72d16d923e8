# Shared helpers for the scripts (sourced).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo/18.0}
VENV=${VENV:-$ROOT/.venv}
CONF=$ROOT/.odoo.conf
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
export PGHOST PGPORT
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF")
BASE_MODULES=account,sale_management,repair,fleet,mail,payment_demo
mkdir -p "$ROOT/.odoo-data"
# Odoo's data directory (filestores) is shared by every clone, like the databases.
DATA_DIR=${ODOO_DATA_DIR:-$HOME/.local/share/auto_service_debt}
FILESTORE=$DATA_DIR/filestore

# A database with the modules we depend on (and their demo data), built once and then
# copied: installing Odoo's accounting takes minutes, copying a database takes seconds.
template_db() {
  local key
  key=$( (echo "$ODOO_SRC" "$BASE_MODULES"; cat "$ODOO_SRC/odoo/release.py") | sha1sum | cut -c1-8)
  echo "asd_base_$key"
}

ensure_template() {
  local tdb; tdb=$(template_db)
  if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$tdb'" | grep -q 1; then
    if psql -d "$tdb" -tAc "SELECT 1 FROM ir_config_parameter WHERE key='asd.template.ready'" 2>/dev/null | grep -q 1 \
       && [ -d "$FILESTORE/$tdb" ]; then
      return 0
    fi
    dropdb --if-exists "$tdb"
  fi
  rm -rf "${FILESTORE:?}/$tdb"
  echo "[db] building the base database $tdb ($BASE_MODULES with demo data, Russian loaded; a few minutes, once)"
  "${ODOO[@]}" -d "$tdb" -i "$BASE_MODULES" --load-language=ru_RU \
      --stop-after-init --log-level=warn >"$ROOT/.odoo-data/template.log" 2>&1 || {
    tail -40 "$ROOT/.odoo-data/template.log" >&2; echo "[db] ERROR: could not build $tdb" >&2; return 1; }
  psql -d "$tdb" -qc "INSERT INTO ir_config_parameter (key, value) VALUES ('asd.template.ready', '1')"
}

# fresh_db NAME: a new database copied from the template, with the addon installed.
fresh_db() {
  local db=$1 tdb; tdb=$(template_db)
  ensure_template
  dropdb --if-exists --force "$db"
  createdb -T "$tdb" "$db"
  rm -rf "${FILESTORE:?}/$db"
  mkdir -p "$FILESTORE"
  cp -a "$FILESTORE/$tdb" "$FILESTORE/$db"
  # a copy gets its own identity (uuid, secret for sessions and CSRF)
  psql -d "$db" -qc "DELETE FROM ir_config_parameter WHERE key = 'asd.template.ready';
    UPDATE ir_config_parameter SET value = gen_random_uuid()::text WHERE key IN ('database.uuid', 'database.secret')"
  echo "[db] installing auto_service_debt into $db"
  "${ODOO[@]}" -d "$db" -i auto_service_debt --stop-after-init --log-level=warn \
      >"$ROOT/.odoo-data/install-$db.log" 2>&1 || {
    tail -60 "$ROOT/.odoo-data/install-$db.log" >&2; echo "[db] ERROR: installing the addon into $db failed" >&2; return 1; }
  if grep -E "ERROR|CRITICAL" "$ROOT/.odoo-data/install-$db.log" >&2; then
    echo "[db] ERROR: the installation of the addon logged errors (above)" >&2; return 1
  fi
}
