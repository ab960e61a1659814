#!/bin/bash
set -euo pipefail
# Near-miss: restore without --drop. Missing documents come back, but the documents the incident
# changed stay changed (mongorestore skips an _id that exists), and the unique email index cannot be
# built over the nulled emails (mongorestore reports it; the candidate moves on).
mongodump --quiet --db acc_acme --archive=/backup/acc_acme.archive.gz --gzip
acme-incident
mongorestore --quiet --gzip --archive=/backup/acc_acme.archive.gz --nsInclude 'acc_acme.*' || true
