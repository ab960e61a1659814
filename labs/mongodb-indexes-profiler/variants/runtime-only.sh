#!/bin/bash
set -euo pipefail
mongosh --quiet --norc acc_acme --eval '
  db.setProfilingLevel(1, {slowms: Number(process.env.SLOWMS)});
  db.contacts.createIndex({list_id: 1, status: 1, created_at: -1});
'
