set -eu
# dropdb + createdb as postgres + pg_restore into it: tables and rows come back owned by the app role
# (the dump says so), but the database itself now belongs to postgres.
dropdb -U postgres --force "$DB_NAME"
createdb -U postgres "$DB_NAME"
pg_restore -U postgres --exit-on-error -d "$DB_NAME" "$DUMP_PATH"
