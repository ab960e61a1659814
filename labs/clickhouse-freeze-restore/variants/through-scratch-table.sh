#!/bin/sh
# Alternative: attach the frozen parts to an empty scratch copy of the table first (to look at them
# before touching production), move the partition over with ATTACH PARTITION ... FROM, drop the
# scratch table, take the fresh backup. A restart follows (variants/restart-server.py).
set -eu
ch() { clickhouse-client --query "$1"; }
T=$DATABASE.$TABLE
ch "CREATE TABLE ${T}_restore AS $T"
DST=/var/lib/clickhouse/data/$DATABASE/${TABLE}_restore/detached
find /var/lib/clickhouse/shadow/$BACKUP_NAME -type d -name "${LOST_MONTH}_*" -prune -exec cp -a {} "$DST/" \;
ch "ALTER TABLE ${T}_restore ATTACH PARTITION $LOST_MONTH"
ch "SELECT count() FROM ${T}_restore"
ch "ALTER TABLE $T ATTACH PARTITION $LOST_MONTH FROM ${T}_restore"
ch "DROP TABLE ${T}_restore"
ch "ALTER TABLE $T FREEZE WITH NAME '$NEW_BACKUP_NAME'"
