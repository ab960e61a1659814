#!/bin/sh
# Near-miss: the fresh FREEZE is taken first ("backup before touching anything"), so it lacks the
# restored month.
set -eu
clickhouse-client --query "ALTER TABLE $DATABASE.$TABLE FREEZE WITH NAME '$NEW_BACKUP_NAME'"
DST=/var/lib/clickhouse/data/$DATABASE/$TABLE/detached
find /var/lib/clickhouse/shadow/$BACKUP_NAME -type d -name "${LOST_MONTH}_*" -prune -exec cp -a {} "$DST/" \;
clickhouse-client --query "ALTER TABLE $DATABASE.$TABLE ATTACH PARTITION $LOST_MONTH"
