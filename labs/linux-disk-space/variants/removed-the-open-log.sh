#!/bin/bash
# Near-miss: the old logs and the current log deleted with rm; Redis holds the current one open, so its
# space stays taken (`lsof +L1` shows it) until Redis closes it.
set -euo pipefail
rm -f "$LOG".[0-9]* "$LOG"
