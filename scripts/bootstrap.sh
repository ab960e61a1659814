#!/usr/bin/env bash
# Everything a bare Debian machine needs to start labs and run the tests, offline-registry style:
# Docker engine + compose v2, the project's venv, and the debian-flavour images.
# Idempotent and quick on a second run (every step checks before it acts).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[bootstrap] %s\n' "$*" >&2; }

bash scripts/setup-docker.sh

# Headless Chromium: the tests render the HTML exam reports in a real browser.
if ! command -v chromium >/dev/null 2>&1; then
  log "installing chromium from Debian (for the HTML report test)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c 'import pytest_altlab, mypy, ruff' >/dev/null 2>&1 || [ pyproject.toml -nt .venv/.installed ]; then
  log "installing pytest-altlab (editable) and dev tools into .venv"
  .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
  touch .venv/.installed
fi

# The candidate portal's browser libraries (xterm.js) from npm; skipped when already in place.
if command -v npm >/dev/null 2>&1; then bash scripts/build-portal-assets.sh; else log "npm missing: portal assets not built"; fi

# Base images (debootstrap) and every service image of the debian flavour; cached after the first run.
log "building images (first run: a few minutes; then cached)"
.venv/bin/altlab images build --base trixie --base bookworm
log "ready: .venv/bin/altlab list"
