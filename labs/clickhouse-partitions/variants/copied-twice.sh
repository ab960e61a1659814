#!/bin/sh
# Near-miss: the INSERT ... SELECT ran a second time; every row is there twice.
set -eu
ch() { clickhouse-client --query "$1"; }
T=$DATABASE.$TABLE
ch "CREATE TABLE ${T}_new AS $T ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (account_id, ts)"
ch "INSERT INTO ${T}_new SELECT * FROM $T"
ch "INSERT INTO ${T}_new SELECT * FROM $T"
ch "RENAME TABLE $T TO ${T}_unpartitioned, ${T}_new TO $T"
ch "ALTER TABLE $T DROP PARTITION $(ch "SELECT min(partition) FROM system.parts WHERE active AND database = '$DATABASE' AND table = '$TABLE'")"
