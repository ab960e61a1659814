#!/bin/sh
# Near-miss: the restore is right, but the first attempt's staging folder stays in detached/
# (the parts were copied into detached/restore-tmp/ first, where ATTACH does not look).
set -eu
DST=/var/lib/clickhouse/data/$DATABASE/$TABLE/detached
mkdir -p "$DST/restore-tmp"
find /var/lib/clickhouse/shadow/$BACKUP_NAME -type d -name "${LOST_MONTH}_*" -prune -exec cp -a {} "$DST/restore-tmp/" \;
chown -R clickhouse:clickhouse "$DST/restore-tmp"
