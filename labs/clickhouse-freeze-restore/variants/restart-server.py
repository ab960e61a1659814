"""Restart the server (what `altlab restart clickhouse-freeze-restore` does)."""


def apply(lab):
    lab.restart(["clickhouse"])
