#!/bin/bash
# Near-miss: everything fixed; the answer also blames DNS, which the app does not even use (DB_HOST is an address).
set -euo pipefail
printf '%s\n' dns route firewall > "$ANSWER_FILE"
