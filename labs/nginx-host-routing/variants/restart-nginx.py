"""Restart nginx so that the new configuration is loaded (what `altlab restart` does)."""


def apply(lab):
    lab.restart(["nginx"])
