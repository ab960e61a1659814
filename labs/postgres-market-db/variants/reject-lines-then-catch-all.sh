set -eu
# The market rule, two reject lines guarding the market database and role, and the image's catch-all
# at the end: postgres and the reporting role still reach the postgres database (and template1).
HBA="$PGDATA/pg_hba.conf"
printf 'host\t%s\tall\tall\treject\n' "$DB_NAME" >> "$HBA"
printf 'host\tall\t%s\tall\treject\n' "$APP_ROLE" >> "$HBA"
printf 'host\tall\tall\tall\tscram-sha-256\n' >> "$HBA"
