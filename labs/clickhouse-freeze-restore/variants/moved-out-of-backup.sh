#!/bin/sh
# Near-miss: mv instead of cp - the restore works, but the backup loses the month.
set -eu
DST=/var/lib/clickhouse/data/$DATABASE/$TABLE/detached
find /var/lib/clickhouse/shadow/$BACKUP_NAME -type d -name "${LOST_MONTH}_*" -prune -exec mv {} "$DST/" \;
clickhouse-client --query "ALTER TABLE $DATABASE.$TABLE ATTACH PARTITION $LOST_MONTH"
clickhouse-client --query "ALTER TABLE $DATABASE.$TABLE FREEZE WITH NAME '$NEW_BACKUP_NAME'"
