"""Break step (host side): write the host's network plan from the subnets the engine gave the lab's networks."""

from __future__ import annotations

from pytest_altlab.helpers.network import network_subnets

ROLES = {
    "admin": "the admins' workstations: the management UI is for them",
    "app": "the platform's application servers: they talk AMQP",
    "office": "everyone else (offices, VPN): no business with the broker",
}


def apply(lab):
    nets = network_subnets(lab, "host")
    missing = sorted(set(ROLES) - set(nets))
    if missing:
        raise RuntimeError(f"the host is not on the lab's networks {missing}; it is on {sorted(nets)}")
    rows = [f"{name:<8}{nets[name][0]:<20}{nets[name][1]:<16}{role}" for name, role in ROLES.items()]
    plan = ("# The networks of this host (address plan).\n"
            f"# {'name':<6}{'subnet':<20}{'this host':<16}who is there\n" + "\n".join(rows) + "\n")
    res = lab.exec("host", ["sh", "-c", "mkdir -p /etc/altcraft && cat > /etc/altcraft/networks"], input=plan)
    if not res.ok:
        raise RuntimeError(f"cannot write /etc/altcraft/networks in the host: {res.stderr.strip()}")
