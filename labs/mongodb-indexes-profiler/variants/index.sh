#!/bin/bash
set -euo pipefail
# Near-miss: the sort field first. The right index goes, this one stays.
mongosh --quiet --norc acc_acme --eval '
  db.contacts.dropIndex({list_id: 1, status: 1, created_at: -1});
  db.contacts.createIndex({created_at: -1, list_id: 1, status: 1});
'
