set -eu
# Alternative: restore over the damaged database; --clean drops what is there first.
pg_restore -U postgres --clean --if-exists --exit-on-error -d "$DB_NAME" "$DUMP_PATH"
