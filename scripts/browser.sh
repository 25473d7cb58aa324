#!/usr/bin/env bash
# Make sure Debian's headless Chromium is installed for the browser tests
# (tests/browser drive /usr/bin/chromium through Playwright). Idempotent.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if [ ! -x "$CHROMIUM" ]; then
    echo "==> Installation de chromium (apt-get)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
"$CHROMIUM" --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1 || \
    "$CHROMIUM" --version
echo "==> Chromium prêt"
