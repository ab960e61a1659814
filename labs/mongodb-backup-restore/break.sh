#!/bin/bash
set -euo pipefail
mkdir -p /backup
mongosh --quiet --norc --eval '
  const acme = db.getSiblingDB("acc_acme"), globex = db.getSiblingDB("acc_globex");
  acme.campaigns.insertMany(Array.from({length: 300}, (_, i) => ({_id: "cmp" + i, n: i,
    status: ["draft", "sent", "sent"][i % 3], sent_at: new Date(Date.UTC(2026, 0, 1) + i * 3600000)})));
  acme.contacts.insertMany(Array.from({length: 2000}, (_, i) => ({_id: "c" + i, n: i, list_id: i % 40,
    email: "c" + i + "@acme.example"})));
  acme.sessions.insertMany(Array.from({length: 40}, (_, i) => ({_id: "s" + i, n: i, created: new Date()})));
  acme.campaigns.createIndex({status: 1, sent_at: -1}, {name: "status_sent"});
  acme.contacts.createIndex({email: 1}, {unique: true});
  acme.contacts.createIndex({list_id: 1});
  acme.sessions.createIndex({created: 1}, {expireAfterSeconds: 86400});
  globex.contacts.insertMany(Array.from({length: 500}, (_, i) => ({_id: "g" + i, n: i,
    email: "g" + i + "@globex.example"})));
  globex.contacts.createIndex({email: 1}, {unique: true});
'
cat > /usr/local/bin/acme-incident <<'SCRIPT'
#!/bin/bash
# The faulty deployment: acc_acme damaged; Globex keeps writing. Runs once, after the backup exists.
set -euo pipefail
[ -s /backup/acc_acme.archive.gz ] || { echo "acme-incident: make the backup /backup/acc_acme.archive.gz first" >&2; exit 1; }
[ -e /var/lib/acme-incident.done ] && { echo "acme-incident: already happened" >&2; exit 1; }
mongosh --quiet --norc --eval '
  const acme = db.getSiblingDB("acc_acme");
  acme.campaigns.drop();
  acme.contacts.deleteMany({list_id: {$lt: 15}});
  acme.contacts.updateMany({list_id: 20}, {$set: {email: null}});
  acme.contacts.dropIndex("email_1");
  acme.sessions.dropIndex("created_1");
  db.getSiblingDB("acc_globex").contacts.insertMany(Array.from({length: 50}, (_, i) =>
    ({_id: "g-new" + i, n: 500 + i, email: "new" + i + "@globex.example", after_backup: true})));
'
touch /var/lib/acme-incident.done
echo "acme-incident: acc_acme damaged; 50 new contacts in acc_globex"
SCRIPT
chmod 755 /usr/local/bin/acme-incident
