#!/bin/bash
set -euo pipefail
# Alternative: the shell's step-by-step way. rs.initiate() names mongo1 by its hostname (mongo1:27017).
mongosh --quiet --norc --eval 'rs.initiate()'
mongosh --quiet --norc --eval "$(cat <<'JS'
for (let i = 0; i < 120 && !db.hello().isWritablePrimary; i++) sleep(500);
// A reconfig waits for the previous one to be committed by a majority: retry while it is in progress.
function retry(f) {
  for (let i = 0; i < 60; i++) { try { return f(); } catch (e) { sleep(1000); } }
  return f();
}
retry(() => rs.add("mongo2:27017"));
retry(() => rs.add("mongo3:27017"));
retry(() => {
  const cfg = rs.conf();
  cfg.members.forEach(m => { m.priority = m.host === "mongo1:27017" ? 2 : 1; });
  return rs.reconfig(cfg);
});
JS
)"
mongosh --quiet --norc --eval "$(cat <<'JS'
for (let i = 0; i < 120 && !db.hello().isWritablePrimary; i++) sleep(500);
if (!db.hello().isWritablePrimary) throw new Error("no primary after 60 s");
db.adminCommand({setDefaultRWConcern: 1, defaultWriteConcern: {w: "majority"}});
db.getSiblingDB("altcraft").health.insertOne({_id: "ready"}, {writeConcern: {w: "majority", wtimeout: 30000}});
JS
)"
