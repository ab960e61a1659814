#!/bin/sh
# Near-miss: the parts are copied into detached/ and a backup is taken, but nothing is attached.
set -eu
DST=/var/lib/clickhouse/data/$DATABASE/$TABLE/detached
find /var/lib/clickhouse/shadow/$BACKUP_NAME -type d -name "${LOST_MONTH}_*" -prune -exec cp -a {} "$DST/" \;
clickhouse-client --query "ALTER TABLE $DATABASE.$TABLE FREEZE WITH NAME '$NEW_BACKUP_NAME'"
