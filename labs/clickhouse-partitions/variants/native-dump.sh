#!/bin/sh
# Alternative: dump the rows to a Native file, recreate the table in place with the new keys, load
# the file back, drop the oldest month by partition (a restart follows: variants/restart-server.py).
set -eu
ch() { clickhouse-client --query "$1"; }
T=$DATABASE.$TABLE
F=/var/lib/clickhouse/user_files/events.native
ch "SELECT * FROM $T FORMAT Native" > $F
ch "DROP TABLE $T"
ch "CREATE TABLE $T (event_id UInt64, ts DateTime, account_id UInt32, event_type String, amount UInt32) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (account_id, ts)"
clickhouse-client --query "INSERT INTO $T FORMAT Native" < $F
rm -f $F
ch "ALTER TABLE $T DROP PARTITION ID '$(ch "SELECT min(partition_id) FROM system.parts WHERE active AND database = '$DATABASE' AND table = '$TABLE'")'"
