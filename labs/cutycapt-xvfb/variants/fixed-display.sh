#!/bin/sh
# Near-miss: xvfb-run without -a: every run uses display :99, a second run at the same time fails.
set -eu
sed -i 's/xvfb-run -a /xvfb-run /' "$WRAPPER"
! grep -q 'xvfb-run -a' "$WRAPPER"
