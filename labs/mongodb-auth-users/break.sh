#!/bin/bash
set -euo pipefail
# Account data, and the colleague's acme_app: readWriteAnyDatabase and the default mechanisms
# (SCRAM-SHA-1 and SCRAM-SHA-256). No administrator, authorization off (the image's default).
mongosh --quiet --norc --eval '
  for (const [name, n] of [["acc_acme", 120], ["acc_globex", 80]]) {
    const d = db.getSiblingDB(name);
    d.campaigns.insertMany(Array.from({length: n}, (_, i) => ({n: i, name: name + "-campaign-" + i})));
    d.contacts.insertOne({email: "owner@" + name + ".example"});
  }
  db.getSiblingDB("acc_acme").createUser({user: "acme_app", pwd: process.env.ACME_PASSWORD,
    roles: [{role: "readWriteAnyDatabase", db: "admin"}]});
'
grep -q authorization /data/configdb/mongod.conf && { echo "mongod.conf already sets authorization" >&2; exit 1; }
exit 0
