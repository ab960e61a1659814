#!/bin/bash
set -euo pipefail
# Profiler now and in the file; the ESR index (equality fields, then the sort field).
mongosh --quiet --norc acc_acme --eval '
  db.setProfilingLevel(1, {slowms: Number(process.env.SLOWMS)});
  db.contacts.createIndex({list_id: 1, status: 1, created_at: -1});
'
printf 'operationProfiling:\n  mode: slowOp\n  slowOpThresholdMs: %s\n' "$SLOWMS" >> /data/configdb/mongod.conf
