"""Restart the PostgreSQL container so listen_addresses applies (what `altlab restart` does)."""


def apply(lab):
    lab.restart(["postgres"])
