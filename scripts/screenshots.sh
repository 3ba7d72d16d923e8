#!/usr/bin/env bash
# make screenshots: PNG screenshots of each role's main screens under docs/screenshots/,
# taken with headless Chromium on the running demo server (`make run` in another terminal).
#   make screenshots HTTP_PORT=8070 DEMO_DB=my_demo
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null || {
  echo "[screenshots] ERROR: chromium is missing (apt-get install chromium)" >&2; exit 1; }
exec "$VENV/bin/python" "$ROOT/scripts/screenshots.py" \
    --url "http://localhost:${HTTP_PORT:-8069}" --db "${DEMO_DB:-auto_service_debt_demo}" "$@"
