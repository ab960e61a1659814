set -eu
# Alternative: a fresh database, the dump turned into an SQL script, run by the app role in one transaction.
dropdb -U postgres --force "$DB_NAME"
createdb -U postgres -O "$APP_ROLE" "$DB_NAME"
pg_restore -f - "$DUMP_PATH" | psql -X -q -U "$APP_ROLE" -d "$DB_NAME" -v ON_ERROR_STOP=1 --single-transaction
