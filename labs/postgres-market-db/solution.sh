#!/bin/sh
# Reference solution (in the server container, as root); restart-server.py restarts the server after it.
set -eu
CONF="$PGDATA/postgresql.conf"
HBA="$PGDATA/pg_hba.conf"
sed -i -E "s/^listen_addresses[[:space:]]*=.*/listen_addresses = '*'/" "$CONF"
sed -i -E "s/^password_encryption[[:space:]]*=.*/password_encryption = scram-sha-256/" "$CONF"
psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 -v db="$DB_NAME" -v role="$APP_ROLE" -v pw="$APP_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
CREATE ROLE :"role" LOGIN PASSWORD :'pw';
CREATE DATABASE :"db" OWNER :"role";
REVOKE CONNECT ON DATABASE :"db" FROM PUBLIC;
SQL
# From the network: the market role to the market database, nothing else.
sed -i -E '/^host[[:space:]]+all[[:space:]]+all[[:space:]]+all[[:space:]]/d' "$HBA"
printf 'host\t%s\t%s\tall\tscram-sha-256\n' "$DB_NAME" "$APP_ROLE" >> "$HBA"
