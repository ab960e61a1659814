#!/bin/bash
set -euo pipefail
mongodump --quiet --db acc_acme --archive=/backup/acc_acme.archive.gz --gzip
acme-incident
# --drop: each acc_acme collection is replaced by the archive's copy (documents, then its indexes).
mongorestore --quiet --gzip --archive=/backup/acc_acme.archive.gz --nsInclude 'acc_acme.*' --drop
