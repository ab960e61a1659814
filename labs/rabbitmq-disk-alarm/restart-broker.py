"""Restart the broker so a config-file change takes effect (what `altlab restart` does)."""


def apply(lab):
    lab.restart(["rabbitmq"])
