#!/usr/bin/env bash
# Idempotent set-up: system tools, PostgreSQL, the virtualenv with Odoo from $ODOO_SRC,
# and the Odoo configuration file. Fast when nothing changed (stamp files).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo/18.0}
VENV=${VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
CONF=$ROOT/.odoo.conf
say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# 1. Odoo source --------------------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo/release.py" ] || [ ! -d "$ODOO_SRC/addons/account" ]; then
  say "no Odoo 18.0 source at ODOO_SRC=$ODOO_SRC; trying a shallow clone of the official 18.0 branch"
  tmp=$(mktemp -d)
  if timeout 600 git clone -q --depth 1 --branch 18.0 https://github.com/odoo/odoo.git "$tmp/odoo" 2>/dev/null \
     && mkdir -p "$ODOO_SRC" && cp -a "$tmp/odoo/." "$ODOO_SRC/"; then
    rm -rf "$tmp"; say "cloned Odoo 18.0 into $ODOO_SRC"
  else
    rm -rf "$tmp"
    die "Odoo 18.0 Community source not found at ODOO_SRC=$ODOO_SRC and it could not be downloaded.
       Put an Odoo 18.0 source tree there (odoo/, addons/, odoo-bin) or point ODOO_SRC at one:
         make test ODOO_SRC=/path/to/odoo-18.0"
  fi
fi
grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" || die "ODOO_SRC=$ODOO_SRC is not Odoo 18.0 (see odoo/release.py)"

# 2. System tools (reports, browser tests, builds) ------------------------------------
need_pkgs=()
command -v wkhtmltopdf >/dev/null || need_pkgs+=(wkhtmltopdf)
command -v pdftotext   >/dev/null || need_pkgs+=(poppler-utils)
command -v zbarimg     >/dev/null || need_pkgs+=(zbar-tools)
command -v chromium    >/dev/null || need_pkgs+=(chromium)
command -v msgmerge    >/dev/null || need_pkgs+=(gettext)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_pkgs+=(fonts-dejavu-core)
[ -f /usr/include/ldap.h ] || need_pkgs+=(libldap2-dev libsasl2-dev)
command -v pg_config >/dev/null || need_pkgs+=(libpq-dev)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing system packages: ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    say "WARNING: missing system packages (${need_pkgs[*]}); install them: PDF and browser tests will fail without them"
  fi
fi

# 3. PostgreSQL ------------------------------------------------------------------------
if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    say "starting the local PostgreSQL cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -1)" main start || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
  fi
  pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL is not reachable on $PGHOST:$PGPORT.
       Start a server (Debian: apt-get install postgresql && pg_ctlcluster 15 main start)
       or set PGHOST/PGPORT to one that runs."
fi
DBUSER=${PGUSER:-$(id -un)}
if ! psql -h "$PGHOST" -p "$PGPORT" -U "$DBUSER" -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  say "creating PostgreSQL role $DBUSER"
  psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -qc "CREATE ROLE \"$DBUSER\" SUPERUSER LOGIN" \
    || die "cannot create the PostgreSQL role $DBUSER; create it with: createuser -s $DBUSER"
fi

# 4. Virtualenv ------------------------------------------------------------------------
stamp=$VENV/.stamp
want=$( (cat "$ROOT/requirements.txt" "$ODOO_SRC/requirements.txt" "$ROOT/scripts/setup.sh"; echo "$ODOO_SRC") | sha1sum | cut -c1-40)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "building the virtualenv $VENV"
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  # (some machines list local package folders that do not exist: keep that noise out)
  pip_q() { "$VENV/bin/pip" "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
  pip_q install -q --upgrade 'pip<25' 'setuptools<70' wheel
  # Odoo's pins, with the ones that no longer build replaced.
  sed -e 's/^cbor2==5.4.2.*/cbor2==5.4.6 ; python_version < "3.12"/' "$ODOO_SRC/requirements.txt" > "$VENV/odoo-requirements.txt"
  pip_q install -q --no-build-isolation -r "$VENV/odoo-requirements.txt"
  pip_q install -q -r "$ROOT/requirements.txt"
  # Odoo itself, from the source tree, without copying it.
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$ODOO_SRC" > "$site/odoo-src.pth"
  echo "$want" > "$stamp"
fi

# 5. Odoo configuration ------------------------------------------------------------------
cat > "$CONF" <<CFG
[options]
addons_path = $ROOT,$ODOO_SRC/addons,$ODOO_SRC/odoo/addons
db_host = $PGHOST
db_port = $PGPORT
db_user = $DBUSER
db_password = False
admin_passwd = admin
http_port = ${HTTP_PORT:-8069}
data_dir = ${ODOO_DATA_DIR:-$HOME/.local/share/auto_service_debt}
without_demo = False
CFG
say "ready: Odoo $ODOO_SRC, venv $VENV, config $CONF"
