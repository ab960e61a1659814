set -eu
# The right restore, then the sequences set with is_called = false at the next id: the same next value.
dropdb -U postgres --force "$DB_NAME"
pg_restore -U postgres --create --exit-on-error -d postgres "$DUMP_PATH"
psql -X -q -U postgres -d "$DB_NAME" -v ON_ERROR_STOP=1 <<'SQL'
SELECT setval(pg_get_serial_sequence('customers', 'id'), 501, false);
SELECT setval(pg_get_serial_sequence('orders', 'id'), 3001, false);
SQL
