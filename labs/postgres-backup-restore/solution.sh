#!/bin/sh
# Reference solution (in the server container, as root): drop the damaged database, recreate it from the dump.
set -eu
dropdb -U postgres --force "$DB_NAME"
pg_restore -U postgres --create --exit-on-error -d postgres "$DUMP_PATH"
