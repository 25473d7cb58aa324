#!/usr/bin/env bash
# Create the CKAN role and database (idempotent), then run CKAN's and the
# plugins' migrations; then the DataStore: its database (<database>_datastore),
# its write and read-only roles, and the permissions printed by
# `ckan datastore set-permissions`, applied as the postgres superuser.
# Usage: initdb.sh <ini file> <database name>
set -euo pipefail
INI=$1
DB=$2
ROLE=${CKAN_DB_ROLE:-ckan}
PASSWORD=${CKAN_DB_PASSWORD:-ckan}
BIN=${VENV_BIN:-.venv/bin}
DS_DB=${DATASTORE_DB:-${DB}_datastore}
DS_WRITE=${DATASTORE_WRITE_ROLE:-datastore_rw}
DS_WRITE_PASSWORD=${DATASTORE_WRITE_PASSWORD:-datastore_rw}
DS_READ=${DATASTORE_READ_ROLE:-datastore_ro}
DS_READ_PASSWORD=${DATASTORE_READ_PASSWORD:-datastore_ro}

psql_admin() {
    if psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1" >/dev/null 2>&1; then
        psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    else  # fresh Debian install: peer authentication over the socket
        runuser -u postgres -- psql -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    fi
}

ensure_role() {  # <role> <password>
    if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '$1'")" != "1" ]; then
        psql_admin -c "create role \"$1\" login password '$2'"
    fi
}
ensure_database() {  # <database> <owner>
    if [ "$(psql_admin -c "select 1 from pg_database where datname = '$1'")" != "1" ]; then
        psql_admin -c "create database \"$1\" owner \"$2\" encoding 'UTF8' template template0"
    fi
}

ensure_role "$ROLE" "$PASSWORD"
ensure_database "$DB" "$ROLE"
# DataStore: a database of its own, written by one role, read by another that
# can only SELECT (datastore_search, datastore_search_sql).
ensure_role "$DS_WRITE" "$DS_WRITE_PASSWORD"
ensure_role "$DS_READ" "$DS_READ_PASSWORD"
ensure_database "$DS_DB" "$DS_WRITE"
# Full-text vectors (the DataStore's _full_text trigger) in French, like the
# queries (ckan.datastore.default_fts_lang = french).
psql_admin -c "alter database \"$DS_DB\" set default_text_search_config = 'pg_catalog.french'"

export CKAN_SQLALCHEMY_URL="postgresql://$ROLE:$PASSWORD@127.0.0.1:5432/$DB"
export CKAN_DATASTORE_WRITE_URL="postgresql://$DS_WRITE:$DS_WRITE_PASSWORD@127.0.0.1:5432/$DS_DB"
export CKAN_DATASTORE_READ_URL="postgresql://$DS_READ:$DS_READ_PASSWORD@127.0.0.1:5432/$DS_DB"
"$BIN/ckan" -c "$INI" db init >/dev/null
# The script starts with \connect <datastore db>; every statement is idempotent.
# (Only when the ini enables the datastore plugin, which adds the command.)
if "$BIN/ckan" -c "$INI" datastore --help >/dev/null 2>&1; then
    # From the script's opening comment on: log lines CKAN prints first
    # (test.ini logs to stdout; CKAN 2.11 warns at start) are not SQL.
    "$BIN/ckan" -c "$INI" datastore set-permissions | sed -n '/^\/\*/,$p' \
        | PGOPTIONS="--client-min-messages=warning" psql_admin >/dev/null
fi
echo "==> Base $DB à jour (CKAN et extensions), DataStore $DS_DB ($DS_WRITE, lecture seule $DS_READ)"
