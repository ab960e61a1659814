set -eu
# Restores tables and rows but skips the post-data section (primary keys, unique and foreign keys, indexes).
dropdb -U postgres --force "$DB_NAME"
pg_restore -U postgres --create --exit-on-error --section=pre-data --section=data -d postgres "$DUMP_PATH"
