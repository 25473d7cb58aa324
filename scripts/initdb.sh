#!/usr/bin/env bash
# Create the CKAN role and database (idempotent), then run CKAN's and the
# plugins' migrations.  Usage: initdb.sh <ini file> <database name>
set -euo pipefail
INI=$1
DB=$2
ROLE=${CKAN_DB_ROLE:-ckan}
PASSWORD=${CKAN_DB_PASSWORD:-ckan}
BIN=${VENV_BIN:-.venv/bin}

psql_admin() {
    if psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1" >/dev/null 2>&1; then
        psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    else  # fresh Debian install: peer authentication over the socket
        runuser -u postgres -- psql -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    fi
}

if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '$ROLE'")" != "1" ]; then
    psql_admin -c "create role \"$ROLE\" login password '$PASSWORD'"
fi
if [ "$(psql_admin -c "select 1 from pg_database where datname = '$DB'")" != "1" ]; then
    psql_admin -c "create database \"$DB\" owner \"$ROLE\" encoding 'UTF8' template template0"
fi

export CKAN_SQLALCHEMY_URL="postgresql://$ROLE:$PASSWORD@127.0.0.1:5432/$DB"
"$BIN/ckan" -c "$INI" db init >/dev/null
echo "==> Base $DB à jour (CKAN et extensions)"
