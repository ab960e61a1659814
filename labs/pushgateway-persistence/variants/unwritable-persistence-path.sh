#!/bin/sh
# Near-miss: the persistence path of Debian's service unit, in a directory the gateway (nobody) cannot write.
set -eu
echo '--persistence.file=/var/lib/prometheus/pushgateway.data' >> "$ARGS_FILE"
