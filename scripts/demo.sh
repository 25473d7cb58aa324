#!/usr/bin/env bash
# Load the demo content and serve the portal in the foreground (Ctrl-C stops).
# Beside the web server run what a portal runs in production: CKAN's jobs
# worker (SCDL file validation, …), ckanext-harvest's gather and fetch
# consumers and a periodic `ckan harvester run` (a job started from /harvest
# runs and finishes); all are stopped with the demo,
# also when it fails to start.
# Usage: demo.sh <ini file> <port>
set -euo pipefail
INI=$1
PORT=$2
BIN=${VENV_BIN:-.venv/bin}
# Links and feeds follow the port actually served (config/demo.ini says :5000).
export CKAN_SITE_URL=${CKAN_SITE_URL:-http://localhost:$PORT}

CHILDREN=()
stop_children() {
    for pid in "${CHILDREN[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_children EXIT
trap 'exit 130' INT TERM

# Member communes' catalogues (bundled payloads) for the harvest demo, served
# on 127.0.0.1:5081 for the portal's lifetime (resource links point there).
"$BIN/python" -m ckanext.opendata_collectivites.harvest.payload_server --port 5081 &
CHILDREN+=($!)
"$BIN/ckan" -c "$INI" collectivites demo load
mkdir -p var/log
# The jobs worker serves the default queue (validation…) and the DataStore
# loads' queue (ckanext.collectivites.datastore.queue).
for worker in "jobs worker default datastore" "harvester gather-consumer" "harvester fetch-consumer"; do
    # shellcheck disable=SC2086  # the sub-command is two words
    "$BIN/ckan" -c "$INI" $worker >"var/log/demo-${worker// /-}.log" 2>&1 &
    CHILDREN+=($!)
done
# What cron does in production: start due jobs and close finished ones.
while sleep "${DEMO_HARVEST_EVERY:-20}"; do
    "$BIN/ckan" -c "$INI" harvester run
done >var/log/demo-harvester-run.log 2>&1 &
CHILDREN+=($!)
cat <<MSG

  Portail de démonstration : $CKAN_SITE_URL
  Administrateur : admin / demo-admin-2026
  Tâches de fond : ckan jobs worker (validation, chargement DataStore), moissonnage (gather, fetch, run toutes les 20 s) ;
  journaux dans var/log/
  (Ctrl-C pour arrêter)

MSG
# No reloader, no interactive debugger (it would allow code execution), threads
# so that a page and its assets load in parallel. DEMO_HOST=0.0.0.0 to expose it.
"$BIN/ckan" -c "$INI" run -H "${DEMO_HOST:-127.0.0.1}" -p "$PORT" \
    --disable-reloader --disable-debugger --threaded
