#!/bin/sh
# Break step (in the server container, as root): listen on localhost only, hash passwords with md5,
# and add the reporting role. restart-server.py then restarts the server so listen_addresses applies.
set -eu
CONF="$PGDATA/postgresql.conf"
sed -i -E "s/^#?listen_addresses[[:space:]]*=.*/listen_addresses = 'localhost'\t\t# what IP address(es) to listen on;/" "$CONF"
sed -i -E "s/^#?password_encryption[[:space:]]*=.*/password_encryption = md5\t\t# scram-sha-256 or md5/" "$CONF"
grep -q "^listen_addresses = 'localhost'" "$CONF"
grep -q "^password_encryption = md5" "$CONF"
psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 -v role="$OTHER_ROLE" -v pw="$OTHER_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
CREATE ROLE :"role" LOGIN PASSWORD :'pw';
SQL
