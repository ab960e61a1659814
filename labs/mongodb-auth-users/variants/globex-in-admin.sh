#!/bin/bash
set -euo pipefail
# Near-miss: every user in admin "to keep them together"; the application logs in against acc_globex.
mongosh --quiet --norc --eval '
  db.getSiblingDB("acc_globex").dropUser("globex_app");
  db.getSiblingDB("admin").createUser({user: "globex_app", pwd: process.env.GLOBEX_PASSWORD,
    roles: [{role: "readWrite", db: "acc_globex"}], mechanisms: ["SCRAM-SHA-256"]});
'
