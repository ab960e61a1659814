set -eu
sed -i -E "s/^(host[[:space:]]+$DB_NAME[[:space:]]+$APP_ROLE[[:space:]]+all[[:space:]]+)scram-sha-256/\1trust/" "$PGDATA/pg_hba.conf"
grep -Eq "^host[[:space:]]+$DB_NAME[[:space:]]+$APP_ROLE[[:space:]]+all[[:space:]]+trust" "$PGDATA/pg_hba.conf"
