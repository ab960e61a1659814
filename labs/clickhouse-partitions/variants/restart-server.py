"""Restart the server (what `altlab restart clickhouse-partitions` does)."""


def apply(lab):
    lab.restart(["clickhouse"])
