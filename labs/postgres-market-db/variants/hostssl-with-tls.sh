set -eu
# TLS on (a self-signed certificate in $PGDATA) and the market rule as hostssl: libpq's default
# sslmode=prefer, what the app uses, logs in over TLS.
cd "$PGDATA"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=postgres" -keyout server.key -out server.crt 2>/dev/null
chown postgres:postgres server.key server.crt
chmod 600 server.key
printf "ssl = on\n" >> postgresql.conf
sed -i -E "s/^host([[:space:]]+$DB_NAME[[:space:]]+$APP_ROLE[[:space:]]+all[[:space:]]+scram-sha-256)/hostssl\1/" pg_hba.conf
grep -Eq "^hostssl[[:space:]]+$DB_NAME[[:space:]]+$APP_ROLE[[:space:]]" pg_hba.conf
