#!/bin/bash
set -euo pipefail
# Near-miss: the members by their current IP addresses (they change whenever a container is recreated).
ip() { getent hosts "$1" | awk '{print $1; exit}'; }
M1=$(ip mongo1) M2=$(ip mongo2) M3=$(ip mongo3) mongosh --quiet --norc --eval '
  const e = process.env;
  rs.initiate({_id: "rs0", members: [
    {_id: 0, host: e.M1 + ":27017", priority: 2}, {_id: 1, host: e.M2 + ":27017"}, {_id: 2, host: e.M3 + ":27017"}]});
'
mongosh --quiet --norc --eval "$(cat <<'JS'
for (let i = 0; i < 120 && !db.hello().isWritablePrimary; i++) sleep(500);
if (!db.hello().isWritablePrimary) throw new Error("no primary after 60 s");
db.adminCommand({setDefaultRWConcern: 1, defaultWriteConcern: {w: "majority"}});
db.getSiblingDB("altcraft").health.insertOne({_id: "ready"}, {writeConcern: {w: "majority", wtimeout: 30000}});
JS
)"
