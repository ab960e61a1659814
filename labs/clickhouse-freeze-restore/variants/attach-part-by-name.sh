#!/bin/bash
# Alternative: plain cp -r plus chown, then ATTACH PART 'name' for each part.
set -euo pipefail
DST=/var/lib/clickhouse/data/$DATABASE/$TABLE/detached
for p in $(find /var/lib/clickhouse/shadow/$BACKUP_NAME -type d -name "${LOST_MONTH}_*" -prune); do
    cp -r "$p" "$DST/"
    chown -R clickhouse:clickhouse "$DST/$(basename "$p")"
    clickhouse-client --query "ALTER TABLE $DATABASE.$TABLE ATTACH PART '$(basename "$p")'"
done
clickhouse-client --query "ALTER TABLE $DATABASE.$TABLE FREEZE WITH NAME '$NEW_BACKUP_NAME'"
