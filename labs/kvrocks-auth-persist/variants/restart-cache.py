"""Restart the server so it reads kvrocks.conf again (what `altlab restart` does)."""


def apply(lab):
    lab.restart(["cache"])
