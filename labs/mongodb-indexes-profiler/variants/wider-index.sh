#!/bin/bash
set -euo pipefail
mongosh --quiet --norc acc_acme --eval '
  db.contacts.dropIndex({list_id: 1, status: 1, created_at: -1});
  db.contacts.createIndex({list_id: 1, status: 1, created_at: -1, email: 1}, {name: "list_page"});
'
