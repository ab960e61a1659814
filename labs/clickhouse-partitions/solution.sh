#!/bin/sh
# Reference solution: new table with the keys, copy, swap names, drop the oldest month, drop the copy.
set -eu
ch() { clickhouse-client --query "$1"; }
T=$DATABASE.$TABLE
ch "CREATE TABLE ${T}_new AS $T ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (account_id, ts)"
ch "INSERT INTO ${T}_new SELECT * FROM $T"
[ "$(ch "SELECT count() FROM ${T}_new")" = "$(ch "SELECT count() FROM $T")" ]
ch "RENAME TABLE $T TO ${T}_unpartitioned, ${T}_new TO $T"
OLDEST=$(ch "SELECT min(partition) FROM system.parts WHERE active AND database = '$DATABASE' AND table = '$TABLE'")
ch "ALTER TABLE $T DROP PARTITION $OLDEST"
ch "DROP TABLE ${T}_unpartitioned"
