#!/bin/bash
set -euo pipefail
# Near-miss: the users again without `mechanisms`: the server's default gives SCRAM-SHA-1 credentials as well.
mongosh --quiet --norc --eval '
  const e = process.env;
  for (const [name, user, pwd, roles] of [
      ["acc_acme", "acme_app", e.ACME_PASSWORD, [{role: "readWrite", db: "acc_acme"}]],
      ["acc_globex", "globex_app", e.GLOBEX_PASSWORD, [{role: "readWrite", db: "acc_globex"}]]]) {
    const d = db.getSiblingDB(name);
    d.dropUser(user);
    d.createUser({user: user, pwd: pwd, roles: roles});
  }
'
