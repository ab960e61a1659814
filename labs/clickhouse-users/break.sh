#!/bin/sh
# Break step: the platform's databases exist, but its user was left half-done (a stale password and
# no database limit) and Grafana has no user at all.
set -eu
ch() { clickhouse-client --query "$1"; }
ch "CREATE DATABASE IF NOT EXISTS $APP_DB"
ch "CREATE TABLE IF NOT EXISTS $APP_DB.$APP_TABLE (ts DateTime, task String, state String) ENGINE = MergeTree ORDER BY ts"
ch "INSERT INTO $APP_DB.$APP_TABLE SELECT toDateTime('2025-03-01 00:00:00') + number * 60, concat('task-', toString(number)), ['queued', 'done'][number % 2 + 1] FROM numbers(100)"
ch "CREATE DATABASE IF NOT EXISTS $OTHER_DB"
ch "CREATE TABLE IF NOT EXISTS $OTHER_DB.$OTHER_TABLE (ts DateTime, account_id UInt32, event_type String) ENGINE = MergeTree ORDER BY ts"
ch "INSERT INTO $OTHER_DB.$OTHER_TABLE SELECT toDateTime('2025-03-01 00:00:00') + number, number % 50, 'send' FROM numbers(1000)"

mkdir -p /etc/clickhouse-server/users.d
cat > /etc/clickhouse-server/users.d/$APP_USER.xml <<XML
<?xml version="1.0"?>
<!-- TODO(ops): finish before go-live - password from the vault, limit to the platform's database -->
<yandex>
    <users>
        <$APP_USER>
            <password>$STALE_PASSWORD</password>
            <networks>
                <ip>::/0</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </$APP_USER>
    </users>
</yandex>
XML
chmod 644 /etc/clickhouse-server/users.d/$APP_USER.xml
