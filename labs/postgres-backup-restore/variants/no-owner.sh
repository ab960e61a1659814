set -eu
# A restore with --no-owner as postgres: every table ends up owned by postgres, the app role loses its tables.
dropdb -U postgres --force "$DB_NAME"
createdb -U postgres -O "$APP_ROLE" "$DB_NAME"
pg_restore -U postgres --no-owner --exit-on-error -d "$DB_NAME" "$DUMP_PATH"
