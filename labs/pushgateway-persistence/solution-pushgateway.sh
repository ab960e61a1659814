#!/bin/sh
# Reference solution, gateway side: a persistence file in the gateway's own volume (read at the next start).
set -eu
echo '--persistence.file=/pushgateway/metrics.store' >> "$ARGS_FILE"
