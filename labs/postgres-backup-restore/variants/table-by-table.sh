set -eu
# Puts back only what looks missing: the orders table (with -t: definition and rows, nothing that
# hangs off it) and the deleted customers rows (data only: the sequence position is not restored).
pg_restore -U postgres -d "$DB_NAME" --exit-on-error -t orders "$DUMP_PATH"
psql -X -q -U postgres -d "$DB_NAME" -v ON_ERROR_STOP=1 -c 'TRUNCATE customers'
pg_restore -U postgres -d "$DB_NAME" --exit-on-error --data-only -t customers "$DUMP_PATH"
