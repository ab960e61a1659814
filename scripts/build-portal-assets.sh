#!/usr/bin/env bash
# The portal's browser libraries (xterm.js and its fit add-on; the attach code is our own, with resize) from the npm registry into
# src/pytest_altlab/portal/static/vendor/ (.gitignored: nothing vendored into git). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/pytest_altlab/portal/static/vendor
BUILD=build/portal-assets
PKGS=("@xterm/xterm@5.5.0" "@xterm/addon-fit@0.10.0")
STAMP="$VENDOR/.versions"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "${PKGS[*]}" ] && [ -f "$VENDOR/xterm.js" ]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "build-portal-assets: npm is not installed (apt-get install npm)" >&2; exit 1; }
mkdir -p "$BUILD" "$VENDOR"
[ -f "$BUILD/package.json" ] || echo '{"name": "altlab-portal-assets", "private": true}' > "$BUILD/package.json"
npm install --prefix "$BUILD" --no-audit --no-fund --silent "${PKGS[@]}"
M="$BUILD/node_modules/@xterm"
cp "$M/xterm/lib/xterm.js" "$M/xterm/css/xterm.css" "$VENDOR/"
cp "$M/addon-fit/lib/addon-fit.js" "$VENDOR/"
echo "${PKGS[*]}" > "$STAMP"
echo "portal assets in $VENDOR: $(ls "$VENDOR" | tr '\n' ' ')" >&2
