#!/bin/sh
# Near-miss: the rebuild is right, but the oldest month is removed row by row with ALTER TABLE ... DELETE
# (a mutation that rewrites every part of that month) instead of dropping its partition.
set -eu
ch() { clickhouse-client --query "$1"; }
T=$DATABASE.$TABLE
ch "CREATE TABLE ${T}_new AS $T ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (account_id, ts)"
ch "INSERT INTO ${T}_new SELECT * FROM $T"
ch "RENAME TABLE $T TO ${T}_unpartitioned, ${T}_new TO $T"
OLDEST=$(ch "SELECT min(partition) FROM system.parts WHERE active AND database = '$DATABASE' AND table = '$TABLE'")
ch "ALTER TABLE $T DELETE WHERE toYYYYMM(ts) = $OLDEST"
i=0
until [ "$(ch "SELECT count() FROM system.mutations WHERE database = '$DATABASE' AND table = '$TABLE' AND NOT is_done")" = 0 ]; do
    i=$((i + 1)); [ $i -lt 120 ] || { echo "mutation not done after 60 s" >&2; exit 1; }; sleep 0.5
done
ch "DROP TABLE ${T}_unpartitioned"
