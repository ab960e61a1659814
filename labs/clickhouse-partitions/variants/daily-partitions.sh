#!/bin/sh
# Near-miss: one partition per day (toYYYYMMDD) instead of per month; the oldest month is then
# dropped day by day. Rows and sorting key are right.
set -eu
ch() { clickhouse-client --query "$1"; }
T=$DATABASE.$TABLE
ch "CREATE TABLE ${T}_new AS $T ENGINE = MergeTree PARTITION BY toYYYYMMDD(ts) ORDER BY (account_id, ts)"
ch "INSERT INTO ${T}_new SELECT * FROM $T"
ch "RENAME TABLE $T TO ${T}_unpartitioned, ${T}_new TO $T"
PARTS="system.parts WHERE active AND database = '$DATABASE' AND table = '$TABLE'"
OLDEST=$(ch "SELECT min(substring(partition, 1, 6)) FROM $PARTS")
for p in $(ch "SELECT DISTINCT partition FROM $PARTS AND partition LIKE '$OLDEST%'"); do
    ch "ALTER TABLE $T DROP PARTITION $p"
done
ch "DROP TABLE ${T}_unpartitioned"
