#!/bin/bash
# Near-miss: the unit runs, but is not enabled: the next boot does not start it.
set -euo pipefail
systemctl disable "$UNIT"
systemctl is-active --quiet "$UNIT"
