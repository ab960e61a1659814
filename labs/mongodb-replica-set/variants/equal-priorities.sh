#!/bin/bash
set -euo pipefail
mongosh --quiet --norc --eval '
  rs.initiate({_id: "rs0", members: [
    {_id: 0, host: "mongo1:27017"}, {_id: 1, host: "mongo2:27017"}, {_id: 2, host: "mongo3:27017"}]});
'
mongosh --quiet --norc --eval "$(cat <<'JS'
for (let i = 0; i < 120 && !db.hello().isWritablePrimary; i++) sleep(500);
if (!db.hello().isWritablePrimary) throw new Error("no primary after 60 s");
db.adminCommand({setDefaultRWConcern: 1, defaultWriteConcern: {w: "majority"}});
db.getSiblingDB("altcraft").health.insertOne({_id: "ready"}, {writeConcern: {w: "majority", wtimeout: 30000}});
JS
)"
