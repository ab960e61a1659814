#!/bin/sh
# Near-miss: grafana copied from altcraft's block keeps the default profile, so it can write.
set -eu
sleep 1.1
F=/etc/clickhouse-server/users.d/$GRAFANA_USER.xml
sed -i 's|<profile>readonly</profile>|<profile>default</profile>|' "$F"
i=0
until [ "$(clickhouse-client --user "$GRAFANA_USER" --password "$GRAFANA_PASSWORD" --query "SELECT value FROM system.settings WHERE name = 'readonly'" 2>/dev/null)" = "0" ]; do
    i=$((i + 1)); [ $i -lt 60 ] || { echo "change not active after 30 s" >&2; exit 1; }; sleep 0.5
done
