"""Break step: a config rollout sets disk_free_limit far above any disk; the broker restarts with it."""

from __future__ import annotations

from pytest_altlab.helpers.rabbitmq import RabbitMQ

CONF = "/etc/rabbitmq/conf.d/30-resources.conf"
# 100TB: far above any disk this lab can run on, so the alarm fires on every machine.
ROLLED_OUT = """\
# Resource limits - rolled out by config management (change OPS-2318)
vm_memory_high_watermark.relative = 0.6
disk_free_limit.absolute = 100TB
"""


def _run(lab, argv, what, **kw):
    res = lab.exec("rabbitmq", argv, **kw)
    if not res.ok:
        raise RuntimeError(f"{what} failed: {(res.stderr or res.stdout).strip()[-300:]}")
    return res


def apply(lab):
    p = lab.params
    rmq = RabbitMQ(lab)
    need = (int(p.disk_limit_gb) + 1) * 10**9
    free = int(rmq.node_status().get("disk_free", 0))
    if free < need:
        raise RuntimeError(f"this lab needs more than {need / 1e9:.0f} GB free on Docker's disk so that the "
                           f"fixed limit of {p.disk_limit_gb} GB clears the alarm; the broker sees {free / 1e9:.1f} GB")
    # The platform's publisher account, in the default vhost.
    _run(lab, ["rabbitmqctl", "-q", "add_user", p.app_user, p.app_password], "add_user")
    _run(lab, ["rabbitmqctl", "-q", "set_permissions", "-p", "/", p.app_user, ".*", ".*", ".*"], "set_permissions")
    _run(lab, ["sh", "-c", f"cat > {CONF} && chmod 644 {CONF}"], "writing " + CONF, input=ROLLED_OUT)
    lab.restart(["rabbitmq"])

    def alarmed():
        lab.invalidate()
        alarms = rmq.alarms()
        return "disk" in alarms, f"alarms {alarms}"

    lab.wait_until(alarmed, within=30, every=0.5, what="the disk alarm firing after the restart")
