#!/bin/sh
# Alternative: CREATE TABLE ... AS SELECT that simply leaves the oldest month out, then the old
# table is dropped and the new one renamed into its place. The end state is the same.
set -eu
ch() { clickhouse-client --query "$1"; }
T=$DATABASE.$TABLE
OLDEST=$(ch "SELECT min(toYYYYMM(ts)) FROM $T")
ch "CREATE TABLE ${T}_monthly ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (account_id, ts) AS SELECT * FROM $T WHERE toYYYYMM(ts) > $OLDEST"
ch "DROP TABLE $T"
ch "RENAME TABLE ${T}_monthly TO $T"
