#!/bin/sh
# Alternative: one users.d file for both users; grafana gets its own profile with readonly = 2
# (may change settings per query, as some Grafana data sources do, but still cannot write).
set -eu
rm -f /etc/clickhouse-server/users.d/$APP_USER.xml
cat > /etc/clickhouse-server/users.d/platform-users.xml <<XML
<?xml version="1.0"?>
<yandex>
    <profiles>
        <grafana_ro>
            <readonly>2</readonly>
            <max_execution_time>60</max_execution_time>
        </grafana_ro>
    </profiles>
    <users>
        <$APP_USER>
            <password>$APP_PASSWORD</password>
            <networks><ip>::/0</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
            <allow_databases><database>$APP_DB</database></allow_databases>
        </$APP_USER>
        <$GRAFANA_USER>
            <password>$GRAFANA_PASSWORD</password>
            <networks><ip>::/0</ip></networks>
            <profile>grafana_ro</profile>
            <quota>default</quota>
        </$GRAFANA_USER>
    </users>
</yandex>
XML
i=0
until clickhouse-client --user "$APP_USER" --password "$APP_PASSWORD" --query "SELECT 1" >/dev/null 2>&1 \
   && clickhouse-client --user "$GRAFANA_USER" --password "$GRAFANA_PASSWORD" --query "SELECT 1" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 60 ] || { echo "users not active after 30 s" >&2; exit 1; }; sleep 0.5
done
