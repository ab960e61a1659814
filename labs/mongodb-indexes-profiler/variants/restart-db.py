"""Restart mongod so it reads mongod.conf again (what `altlab restart` does)."""


def apply(lab):
    lab.restart(["db"])
