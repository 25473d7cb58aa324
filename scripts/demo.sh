#!/usr/bin/env bash
# Load the demo content and serve the portal in the foreground (Ctrl-C stops).
# Usage: demo.sh <ini file> <port>
set -euo pipefail
INI=$1
PORT=$2
BIN=${VENV_BIN:-.venv/bin}
# Member communes' catalogues (bundled payloads) for the harvest demo, served
# on 127.0.0.1:5081 for the portal's lifetime (resource links point there).
"$BIN/python" -m ckanext.opendata_collectivites.harvest.payload_server --port 5081 &
"$BIN/ckan" -c "$INI" collectivites demo load
cat <<MSG

  Portail de démonstration : http://localhost:$PORT
  Administrateur : admin / demo-admin-2026
  (Ctrl-C pour arrêter)

MSG
# No reloader, no interactive debugger (it would allow code execution), threads
# so that a page and its assets load in parallel. DEMO_HOST=0.0.0.0 to expose it.
exec "$BIN/ckan" -c "$INI" run -H "${DEMO_HOST:-127.0.0.1}" -p "$PORT" \
    --disable-reloader --disable-debugger --threaded
