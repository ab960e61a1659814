#!/bin/bash
set -euo pipefail
# Near-miss: "read on everything" is simpler to type than two roles (still before the restart: no login needed).
mongosh --quiet --norc --eval '
  db.getSiblingDB("admin").updateUser(process.env.REPORT_USER,
    {roles: [{role: "readAnyDatabase", db: "admin"}]});
'
