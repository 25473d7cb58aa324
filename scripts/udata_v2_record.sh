#!/usr/bin/env bash
# Re-record udata's API v2 answers of the real-world harvest corpus
# (tests/fixtures/harvest/real/udata-v2-local.json) with udata's own code:
# builds udata's virtualenv as scripts/datagouv_check.sh does (same pinned
# versions), then runs scripts/udata_v2_record.py in it.
# Usage: scripts/udata_v2_record.sh [--out FILE]
# Environment: UDATA_VENV (default var/udata-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
UDATA_VENV=${UDATA_VENV:-var/udata-venv}
UDATA_VERSION=17.18.0
MONGOMOCK_VERSION=4.3.0
mkdir -p var/datagouv
if ! "$UDATA_VENV/bin/python" - "$UDATA_VERSION" "$MONGOMOCK_VERSION" 2>/dev/null <<'PY'
import importlib.metadata as m, sys
sys.exit(m.version("udata") != sys.argv[1] or m.version("mongomock") != sys.argv[2])
PY
then
    echo "==> virtualenv udata $UDATA_VERSION ($UDATA_VENV)" >&2
    python3 -m venv "$UDATA_VENV" && "$UDATA_VENV/bin/pip" install -q --disable-pip-version-check \
        "udata==$UDATA_VERSION" "mongomock==$MONGOMOCK_VERSION" >var/datagouv/pip.log 2>&1 || {
        echo "cannot install udata $UDATA_VERSION (see var/datagouv/pip.log)" >&2; exit 2; }
fi
exec "$UDATA_VENV/bin/python" -W ignore scripts/udata_v2_record.py "$@"
