#!/bin/bash
set -euo pipefail
mongodump --quiet --db acc_acme --archive=/backup/acc_acme.archive.gz --gzip
acme-incident
mongorestore --quiet --gzip --archive=/backup/acc_acme.archive.gz --nsInclude 'acc_acme.*' --drop --noIndexRestore
