#!/bin/bash
set -euo pipefail
# 100 000 contacts in 50 lists; an index on email only. For the application's run the slow-log
# threshold is 0 (every operation logged with its duration and plan), then back to the default 100 ms;
# the profiler stays off.
mongosh --quiet --norc acc_acme --eval '
  const statuses = ["active", "active", "active", "unsubscribed", "bounced"];
  const t0 = new Date("2026-01-01T00:00:00Z").getTime();
  for (let b = 0; b < 20; b++) {
    db.contacts.insertMany(Array.from({length: 5000}, (_, j) => {
      const i = b * 5000 + j;
      return {email: "c" + i + "@acme.example", list_id: i % 50, status: statuses[i % 5],
              created_at: new Date(t0 + ((i * 7919) % 100000) * 60000), name: "Contact " + i};
    }));
  }
  db.contacts.createIndex({email: 1}, {unique: true});
  db.lists.insertMany(Array.from({length: 50}, (_, i) => ({_id: i, title: "List " + i})));
  db.setProfilingLevel(0, {slowms: 0});
  // The application: a fast lookup by email, the list page (slow), a list title.
  db.contacts.findOne({email: "c4242@acme.example"});
  for (let k = 0; k < 3; k++) {
    db.contacts.find({list_id: 7, status: "active"}).sort({created_at: -1}).limit(50).toArray();
  }
  db.lists.findOne({_id: 7});
  db.setProfilingLevel(0, {slowms: 100});
'
