"""Near-miss step: restart the server to drop the stale connections (what `altlab restart` does)."""


def apply(lab):
    lab.restart(["cache"])
