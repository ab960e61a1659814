#!/bin/sh
# Near-miss: the right password, but no allow_databases - altcraft reaches every database.
set -eu
sleep 1.1   # the server notices changed files by their modification time (whole seconds)
F=/etc/clickhouse-server/users.d/$APP_USER.xml
sed -i '/<allow_databases>/,/<\/allow_databases>/d' "$F"
i=0
until clickhouse-client --user "$APP_USER" --password "$APP_PASSWORD" --query "SELECT count() FROM $OTHER_DB.$OTHER_TABLE" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 60 ] || { echo "change not active after 30 s" >&2; exit 1; }; sleep 0.5
done
