set -eu
# As if password_encryption had never been changed: the password is hashed with md5,
# and the market rule says md5 so that the login still works.
sed -i -E "s/^password_encryption[[:space:]]*=.*/password_encryption = md5/" "$PGDATA/postgresql.conf"
sed -i -E "s/^(host[[:space:]]+$DB_NAME[[:space:]]+$APP_ROLE[[:space:]]+all[[:space:]]+)scram-sha-256/\1md5/" "$PGDATA/pg_hba.conf"
grep -Eq "^host[[:space:]]+$DB_NAME[[:space:]]+$APP_ROLE[[:space:]]+all[[:space:]]+md5" "$PGDATA/pg_hba.conf"
psql -X -q -U postgres -v ON_ERROR_STOP=1 -v role="$APP_ROLE" -v pw="$APP_PASSWORD" <<'SQL'
SET password_encryption = 'md5';
ALTER ROLE :"role" PASSWORD :'pw';
SQL
