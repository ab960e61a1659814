#!/bin/bash
set -euo pipefail
# Users first (no authorization yet, so no login needed), then the config file; the next step restarts mongod.
mongosh --quiet --norc --eval '
  const e = process.env, sha256 = ["SCRAM-SHA-256"];
  db.getSiblingDB("admin").createUser({user: e.ADMIN_USER, pwd: e.ADMIN_PASSWORD,
    roles: [{role: "root", db: "admin"}], mechanisms: sha256});
  const acme = db.getSiblingDB("acc_acme");
  acme.dropUser("acme_app");
  acme.createUser({user: "acme_app", pwd: e.ACME_PASSWORD, roles: [{role: "readWrite", db: "acc_acme"}],
    mechanisms: sha256});
  db.getSiblingDB("acc_globex").createUser({user: "globex_app", pwd: e.GLOBEX_PASSWORD,
    roles: [{role: "readWrite", db: "acc_globex"}], mechanisms: sha256});
  db.getSiblingDB("admin").createUser({user: e.REPORT_USER, pwd: e.REPORT_PASSWORD,
    roles: [{role: "read", db: "acc_acme"}, {role: "read", db: "acc_globex"}], mechanisms: sha256});
'
printf 'security:\n  authorization: enabled\n' >> /data/configdb/mongod.conf
