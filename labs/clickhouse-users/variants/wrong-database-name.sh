#!/bin/sh
# Near-miss: allow_databases names 'altcraft' (the product) instead of the platform's database.
set -eu
sleep 1.1
F=/etc/clickhouse-server/users.d/$APP_USER.xml
sed -i "s|<database>$APP_DB</database>|<database>altcraft</database>|" "$F"
i=0
while clickhouse-client --user "$APP_USER" --password "$APP_PASSWORD" --query "SELECT count() FROM $APP_DB.$APP_TABLE" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 60 ] || { echo "change not active after 30 s" >&2; exit 1; }; sleep 0.5
done
