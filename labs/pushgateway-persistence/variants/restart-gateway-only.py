"""Near-miss, host side: the gateway restarts with its new flags, the backup job is not run again."""


def apply(lab):
    lab.restart(["pushgateway"])
