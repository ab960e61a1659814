set -eu
# After the right restore, the sequences are pushed far ahead "to be safe": no id is handed out twice,
# but they no longer continue where they were.
psql -X -q -U postgres -d "$DB_NAME" -v ON_ERROR_STOP=1 <<'SQL'
SELECT setval(pg_get_serial_sequence('customers', 'id'), 100000);
SELECT setval(pg_get_serial_sequence('orders', 'id'), 100000);
SQL
