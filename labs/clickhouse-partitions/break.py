"""Break step: the event table exists without partitions, sorted by time only (host side, over HTTP)."""

from __future__ import annotations

from pytest_altlab.helpers.clickhouse import EVENTS_TABLE, ClickHouse, EventSet


def apply(lab):
    p = lab.params
    ch = ClickHouse(lab)
    table = f"{p.database}.{p.table}"
    ch.execute(f"CREATE DATABASE IF NOT EXISTS {p.database}")
    ch.execute(f"CREATE TABLE {table} {EVENTS_TABLE} ORDER BY ts")
    for sql in EventSet.parse(p.dataset).insert_sql(table):
        ch.execute(sql)
