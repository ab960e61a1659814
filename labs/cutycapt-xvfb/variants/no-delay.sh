#!/bin/sh
# Near-miss: no --delay, so cutycapt captures the page before it is painted.
set -eu
sed -i 's/ --delay=[0-9]*//' "$WRAPPER"
! grep -q -- --delay "$WRAPPER"
