"""Near-miss: both users admit only the Docker gateway's address and loopback, the one address every login
from the host comes from; another client of the lab network (here: the server's own address) is refused."""

import time


def apply(lab):
    p = lab.params
    nets = lab.inspect("clickhouse")["NetworkSettings"]["Networks"]
    gateway = next(n["Gateway"] for n in nets.values() if n.get("Gateway"))
    own = next(n["IPAddress"] for n in nets.values() if n.get("IPAddress"))
    time.sleep(1.1)  # the server notices changed files by their modification time (whole seconds)
    for user in (p.app_user, p.grafana_user):
        path = f"/etc/clickhouse-server/users.d/{user}.xml"
        res = lab.exec("clickhouse", ["sed", "-i", f"s|<ip>::/0</ip>|<ip>{gateway}</ip><ip>127.0.0.1</ip>|", path])
        if not res.ok:
            raise RuntimeError(f"{path}: {res.stderr}")
    # Wait until the server has re-read users.d: a login from its own address is refused (195).
    for _ in range(60):
        res = lab.exec("clickhouse", ["clickhouse-client", "--host", own, "--user", p.grafana_user,
                                      "--password", p.grafana_password, "--query", "SELECT 1"])
        if not res.ok and "Code: 195" in res.stdout + res.stderr:
            return
        time.sleep(0.5)
    raise RuntimeError("the narrowed <networks> did not take effect within 30 s")
