"""Break step: events with a named FREEZE backup, newer rows after it, then one month dropped by mistake."""

from __future__ import annotations

from pytest_altlab.helpers.clickhouse import EVENTS_TABLE, ClickHouse, EventSet


def apply(lab):
    p = lab.params
    ch = ClickHouse(lab)
    table = f"{p.database}.{p.table}"
    ch.execute(f"CREATE DATABASE IF NOT EXISTS {p.database}")
    ch.execute(f"CREATE TABLE {table} {EVENTS_TABLE} PARTITION BY toYYYYMM(ts) ORDER BY (account_id, ts)")
    for sql in EventSet.parse(p.dataset).insert_sql(table):
        ch.execute(sql)
    # Last night's backup: a hard-linked copy of every part in /var/lib/clickhouse/shadow/<name>/.
    ch.execute(f"ALTER TABLE {table} FREEZE WITH NAME '{p.backup_name}'")
    # Today's events, not in the backup.
    for sql in EventSet.parse(p.late_rows).insert_sql(table):
        ch.execute(sql)
    # The cleanup script's mistake.
    ch.execute(f"ALTER TABLE {table} DROP PARTITION {p.lost_month}")
