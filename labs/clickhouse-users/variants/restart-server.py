"""Restart the server (what `altlab restart clickhouse-users` does)."""


def apply(lab):
    lab.restart(["clickhouse"])
