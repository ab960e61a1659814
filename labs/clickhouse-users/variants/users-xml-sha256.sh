#!/bin/bash
# Alternative: both users go into users.xml itself (inserted before </users>), passwords as SHA-256;
# the server is restarted afterwards (variants/restart-server.py) instead of waiting for the reload.
set -euo pipefail
U=/etc/clickhouse-server/users.xml
rm -f /etc/clickhouse-server/users.d/$APP_USER.xml   # the half-done file would override users.xml
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
export BLOCK="        <$APP_USER>
            <password_sha256_hex>$(sha "$APP_PASSWORD")</password_sha256_hex>
            <networks><ip>::/0</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
            <allow_databases><database>$APP_DB</database></allow_databases>
        </$APP_USER>
        <$GRAFANA_USER>
            <password_sha256_hex>$(sha "$GRAFANA_PASSWORD")</password_sha256_hex>
            <networks><ip>::/0</ip></networks>
            <profile>readonly</profile>
            <quota>default</quota>
        </$GRAFANA_USER>"
awk '/<\/users>/ && !done { print ENVIRON["BLOCK"]; done = 1 } { print }' "$U" > /tmp/users.xml.new
cat /tmp/users.xml.new > "$U" && rm /tmp/users.xml.new
grep -q "<$GRAFANA_USER>" "$U"
