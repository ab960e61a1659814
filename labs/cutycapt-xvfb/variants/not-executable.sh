#!/bin/sh
# Near-miss: the wrapper is not executable (it was only ever tried with `sh html-preview ...`).
set -eu
chmod 0644 "$WRAPPER"
