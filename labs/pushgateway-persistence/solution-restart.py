"""Reference solution, host side: restart the gateway (new flags), then re-run the backup job once
(what `altlab restart pushgateway-persistence pushgateway` and `... backup` do)."""


def apply(lab):
    lab.restart(["pushgateway"])
    lab.restart(["backup"])   # its health check passes once it has pushed
