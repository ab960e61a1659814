#!/bin/sh
# Reference solution: one users.d file per user; the server picks them up without a restart.
set -eu
D=/etc/clickhouse-server/users.d
cat > $D/$APP_USER.xml <<XML
<?xml version="1.0"?>
<yandex>
    <users>
        <$APP_USER>
            <password>$APP_PASSWORD</password>
            <networks>
                <ip>::/0</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
            <allow_databases>
                <database>$APP_DB</database>
            </allow_databases>
        </$APP_USER>
    </users>
</yandex>
XML
cat > $D/$GRAFANA_USER.xml <<XML
<?xml version="1.0"?>
<yandex>
    <users>
        <$GRAFANA_USER>
            <password>$GRAFANA_PASSWORD</password>
            <networks>
                <ip>::/0</ip>
            </networks>
            <profile>readonly</profile>
            <quota>default</quota>
        </$GRAFANA_USER>
    </users>
</yandex>
XML
chmod 644 $D/$APP_USER.xml $D/$GRAFANA_USER.xml
# Wait until the server has re-read users.d (it looks every few seconds).
i=0
until clickhouse-client --user "$APP_USER" --password "$APP_PASSWORD" --query "SELECT 1" >/dev/null 2>&1 \
   && clickhouse-client --user "$GRAFANA_USER" --password "$GRAFANA_PASSWORD" --query "SELECT 1" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 60 ] || { echo "users not active after 30 s" >&2; exit 1; }
    sleep 0.5
done
