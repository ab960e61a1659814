#!/bin/sh
# Alternative: the file in a sub-directory of the gateway's volume, written every 30 s as well as at shutdown.
set -eu
mkdir -p /pushgateway/state
printf '%s\n' '# persistence (OPS-2212)' '--persistence.file=/pushgateway/state/pushgateway.db' \
  '--persistence.interval=30s' >> "$ARGS_FILE"
