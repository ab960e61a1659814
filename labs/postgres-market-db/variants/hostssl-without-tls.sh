set -eu
# The market rule as hostssl, but the server keeps ssl = off: no connection ever matches that line.
sed -i -E "s/^host([[:space:]]+$DB_NAME[[:space:]]+$APP_ROLE[[:space:]]+all[[:space:]]+scram-sha-256)/hostssl\1/" "$PGDATA/pg_hba.conf"
grep -Eq "^hostssl[[:space:]]+$DB_NAME[[:space:]]+$APP_ROLE[[:space:]]" "$PGDATA/pg_hba.conf"
