#!/usr/bin/env bash
# What data.gouv.fr keeps of the portal's DCAT feed: udata's own DCAT harvester
# (DcatBackend, in its own virtualenv with mongomock) harvests the catalogue of
# a collectivité holding a fully filled dataset, and prints field by field what
# was emitted and what udata kept, plus every warning udata logged.
# Usage: scripts/datagouv_check.sh [--demo http://localhost:5000]
# Environment: DATAGOUV_DB (default ckan_datagouv), DATAGOUV_REDIS (default
# redis://127.0.0.1:6379/7), UDATA_VENV (default var/udata-venv), VENV_BIN
# (default .venv-2.12/bin).  Needs PostgreSQL and Redis (make services).
# Exit status: 0 nothing lost and no warning, 1 a readable field lost or a
# warning logged, 2 the check could not run.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV_BIN:-.venv-2.12/bin}
UDATA_VENV=${UDATA_VENV:-var/udata-venv}
UDATA_VERSION=17.18.0
MONGOMOCK_VERSION=4.3.0
DB=${DATAGOUV_DB:-ckan_datagouv}
export CKAN_SQLALCHEMY_URL="postgresql://${CKAN_DB_ROLE:-ckan}:${CKAN_DB_PASSWORD:-ckan}@127.0.0.1:5432/$DB"
export CKAN_REDIS_URL=${DATAGOUV_REDIS:-redis://127.0.0.1:6379/7}
# The DataStore of that database (scripts/initdb.sh creates it and its roles).
export CKAN_DATASTORE_WRITE_URL="postgresql://${DATASTORE_WRITE_ROLE:-datastore_rw}:${DATASTORE_WRITE_PASSWORD:-datastore_rw}@127.0.0.1:5432/${DB}_datastore"
export CKAN_DATASTORE_READ_URL="postgresql://${DATASTORE_READ_ROLE:-datastore_ro}:${DATASTORE_READ_PASSWORD:-datastore_ro}@127.0.0.1:5432/${DB}_datastore"
export CKAN_STORAGE_PATH=$PWD/var/storage-$DB
mkdir -p "$CKAN_STORAGE_PATH" var/datagouv

# udata in its own virtualenv: its dependencies (Flask 3, mongoengine…) are not
# the portal's.  Rebuilt only when the pinned versions are not there.
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

VENV_BIN=$BIN bash scripts/initdb.sh test.ini "$DB" >/dev/null 2>&1 || {
    echo "cannot initialise database $DB" >&2; exit 2; }

exec "$BIN/python" -W ignore scripts/datagouv_check.py --udata-python "$UDATA_VENV/bin/python" "$@"
