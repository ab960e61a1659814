#!/bin/bash
set -euo pipefail
# Near-miss: primary-secondary-arbiter. The implicit default write concern becomes w:1, and with one
# data member down no majority write can be acknowledged. Write concern left at its default here.
mongosh --quiet --norc --eval '
  rs.initiate({_id: "rs0", members: [
    {_id: 0, host: "mongo1:27017", priority: 2}, {_id: 1, host: "mongo2:27017"},
    {_id: 2, host: "mongo3:27017", arbiterOnly: true}]});
'
mongosh --quiet --norc --eval "$(cat <<'JS'
for (let i = 0; i < 120 && !db.hello().isWritablePrimary; i++) sleep(500);
db.getSiblingDB("altcraft").health.insertOne({_id: "ready"}, {writeConcern: {w: "majority", wtimeout: 30000}});
JS
)"
