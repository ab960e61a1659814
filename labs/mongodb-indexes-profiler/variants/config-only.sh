#!/bin/bash
set -euo pipefail
# The file only (quoted mode, threshold first): the restart that follows puts it in force.
printf 'operationProfiling:\n  slowOpThresholdMs: %s\n  mode: "slowOp"\n' "$SLOWMS" >> /data/configdb/mongod.conf
