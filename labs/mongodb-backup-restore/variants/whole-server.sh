#!/bin/bash
set -euo pipefail
mongodump --quiet --archive=/backup/acc_acme.archive.gz --gzip
acme-incident
mongorestore --quiet --gzip --archive=/backup/acc_acme.archive.gz --drop --nsExclude 'admin.*'
