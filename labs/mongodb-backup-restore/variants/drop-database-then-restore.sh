#!/bin/bash
set -euo pipefail
# Alternative: archive on stdout through a URI naming the database; the damaged database dropped
# first, then restored without --drop (nothing left to collide with).
mongodump --quiet --uri 'mongodb://localhost:27017/acc_acme' --archive --gzip > /backup/acc_acme.archive.gz
acme-incident
mongosh --quiet --norc acc_acme --eval 'db.dropDatabase()'
mongorestore --quiet --gzip --archive=/backup/acc_acme.archive.gz --nsInclude 'acc_acme.*'
