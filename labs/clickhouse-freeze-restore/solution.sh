#!/bin/sh
# Reference solution: copy the lost month's frozen parts into detached/ (cp -a keeps the owner
# clickhouse), attach the partition, then take a fresh named FREEZE.
set -eu
DST=/var/lib/clickhouse/data/$DATABASE/$TABLE/detached
find /var/lib/clickhouse/shadow/$BACKUP_NAME -type d -name "${LOST_MONTH}_*" -prune -exec cp -a {} "$DST/" \;
clickhouse-client --query "ALTER TABLE $DATABASE.$TABLE ATTACH PARTITION $LOST_MONTH"
clickhouse-client --query "ALTER TABLE $DATABASE.$TABLE FREEZE WITH NAME '$NEW_BACKUP_NAME'"
