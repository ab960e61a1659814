#!/bin/bash
set -euo pipefail
# Nothing to break: three fresh mongod with --replSet and no configuration. Make sure of it, on all three.
for m in mongo1 mongo2 mongo3; do
  out=$(mongosh --quiet --norc "mongodb://$m:27017/?directConnection=true" --eval '
    try { rs.status(); print("initiated") } catch (e) { print(e.codeName || e.message) }')
  [ "$out" = NotYetInitialized ] || { echo "$m: expected a member not yet initiated; got: $out" >&2; exit 1; }
done
