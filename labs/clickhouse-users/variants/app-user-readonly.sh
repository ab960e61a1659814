#!/bin/sh
# Near-miss: altcraft gets the readonly profile (as if copied from grafana's block).
set -eu
sleep 1.1
F=/etc/clickhouse-server/users.d/$APP_USER.xml
sed -i 's|<profile>default</profile>|<profile>readonly</profile>|' "$F"
i=0
until [ "$(clickhouse-client --user "$APP_USER" --password "$APP_PASSWORD" --query "SELECT value FROM system.settings WHERE name = 'readonly'" 2>/dev/null)" = "1" ]; do
    i=$((i + 1)); [ $i -lt 60 ] || { echo "change not active after 30 s" >&2; exit 1; }; sleep 0.5
done
