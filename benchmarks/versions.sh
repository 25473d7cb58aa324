#!/usr/bin/env bash
# Every benchmark on CKAN 2.11 and CKAN 2.12 in one run: for each benchmark,
# 2.11 then 2.12 right after (same machine, same load), each version in its own
# virtualenv and databases.
#   bash benchmarks/versions.sh [quick]      # quick: small sizes, a smoke run
# Needs both virtualenvs: `make install CKAN=2.11 && make install CKAN=2.12`.
# Prints each benchmark's own output under "### <benchmark> — CKAN <v>"; the
# logs (stderr) go to var/bench-<benchmark>-<v>.log.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = quick ]; then
    CORE=(--repeat 5); SEARCH=(--docs 5000 --datasets 200 --repeat 10)
    REBUILD=(--datasets 200 --repeat 1); HARVEST=(--n 200)
    DCAT=(--page 200 --repeat 1 --full 400 --stock-full-pages 1 --memory 200); NAVL=(--repeat 20)
else
    CORE=(--repeat 30); SEARCH=(--docs 50000 --datasets 1000 --repeat 40)
    REBUILD=(--datasets 1000 --repeat 3); HARVEST=(--n 2000)
    DCAT=(--page 1000 --repeat 3 --full 2000 --stock-full-pages 1 --memory 1000); NAVL=(--repeat 200)
fi
export CKAN_DB_ROLE=${CKAN_DB_ROLE:-ckan} CKAN_DB_PASSWORD=${CKAN_DB_PASSWORD:-ckan}
mkdir -p var

url() { echo "postgresql://$CKAN_DB_ROLE:$CKAN_DB_PASSWORD@127.0.0.1:5432/$1"; }
bin() { [ "$1" = 2.11 ] && echo .venv/bin || echo ".venv-$1/bin"; }
sfx() { [ "$1" = 2.11 ] && echo "" || echo "_${1/./}"; }

for version in 2.11 2.12; do
    [ -x "$(bin $version)/python" ] || { echo "virtualenv absent : make install CKAN=$version"; exit 2; }
    for db in ckan_bench ckan_bench_harvest; do
        CKAN_SQLALCHEMY_URL=$(url "$db$(sfx $version)") VENV_BIN=$(bin $version) \
            bash scripts/initdb.sh test.ini "$db$(sfx $version)" >/dev/null
    done
done

run() {  # run <benchmark> <args…>: the benchmark on each version
    local name=$1; shift
    for version in 2.11 2.12; do
        local S; S=$(sfx $version)
        local log=var/bench-$name-$version.log
        echo; echo "### $name — CKAN $version ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))"
        CKAN_REDIS_URL=redis://127.0.0.1:6379/$([ -z "$S" ] && echo 9 || echo 10) \
        CKAN_SQLALCHEMY_URL=$(url "${DBS[$name]:-ckan_bench}$S") \
            "$(bin $version)/python" benchmarks/$name.py "${@//@S/$S}" >"$log.out" 2>"$log" \
            || { echo "(échec : voir $log)"; tail -3 "$log"; }
        # CKAN's log lines (and tracebacks it logs) are left in the .out file
        grep -v -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} |^Traceback|^  File "|^    |^[a-z_.]+\.[A-Za-z]*(Error|NotFound|Exception)|^ *[~^]+ *$' "$log.out"
    done
}
declare -A DBS=([harvest]=ckan_bench_harvest)

run navl "${NAVL[@]}"
run core_actions "${CORE[@]}"
run search --db "ckan_bench_search@S" "${SEARCH[@]}"
run rebuild --db "ckan_bench_rebuild@S" "${REBUILD[@]}"
run dcat "${DCAT[@]}"
run harvest "${HARVEST[@]}"
