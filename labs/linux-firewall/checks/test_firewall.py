"""Checks of linux-firewall: 100 points. Every source network x port is probed with a TCP connection from a
client on that network (docker exec in the client); the host is read with systemctl and `nft -c` only."""

import pytest

from pytest_altlab.helpers.network import reachability
from pytest_altlab.helpers.systemd import Systemd

CLIENTS = {"admin": "admin-client", "app": "app-client", "office": "office-client"}  # network -> client on it
CLUSTER_PORTS = (4369, 25672)  # RabbitMQ's epmd and node-to-node port: listening on every interface


@pytest.fixture
def ports(lab):
    return {"amqp": int(lab.params.amqp_port), "management": int(lab.params.management_port)}


@pytest.fixture
def reach(lab, ports):
    """Every source network x port of the host: open, refused or dropped (one probe round per grading)."""
    return reachability(lab, CLIENTS, "host", (ports["amqp"], ports["management"], *CLUSTER_PORTS))


def _only_from(reach, port, allowed):
    """Open from the allowed network, closed from every other one; the message lists each pair that is wrong."""
    __tracebackhide__ = True
    wrong = []
    for network in CLIENTS:
        got = reach[(network, port)]
        if (network == allowed) != got.open:
            want = "connect" if network == allowed else "be dropped"
            wrong.append(f"from the {network} network port {port} {got} (expected it to {want})")
    assert not wrong, "; ".join(wrong)


@pytest.mark.points(25)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("`nft list ruleset`; the admin subnet in /etc/altcraft/networks")
def test_management_only_from_admin(reach, ports):
    """The management UI (15672) opens from the admin network and from no other network"""
    _only_from(reach, ports["management"], "admin")


@pytest.mark.points(25)
@pytest.mark.persistent
@pytest.mark.covers(2)
@pytest.mark.look("`nft list ruleset`; the app subnet in /etc/altcraft/networks")
def test_amqp_only_from_app(reach, ports):
    """AMQP (5672) opens from the app network and from no other network"""
    _only_from(reach, ports["amqp"], "app")


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.look("`ss -ltnp`: what else listens on every interface; the input chain's policy")
def test_every_other_port_closed(reach):
    """Nothing else the host listens on (epmd 4369, the node port 25672) opens from any network"""
    wrong = [f"from the {n} network port {p} {reach[(n, p)]}" for n in CLIENTS for p in CLUSTER_PORTS
             if reach[(n, p)].open]
    assert not wrong, "expected every other port dropped from every network; " + "; ".join(wrong)


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(4)
@pytest.mark.depends("test_every_other_port_closed")  # graded once a filter closes ports: one that may catch lo
@pytest.mark.look("`rabbitmq-diagnostics ping` in the host; `iif lo accept` in the input chain")
def test_host_reaches_its_own_services(lab, ports):
    """On the host itself (loopback) every port of the broker still opens: its own tools keep working"""
    want = (ports["amqp"], ports["management"], *CLUSTER_PORTS)
    script = " ".join(f'timeout 2 bash -c "</dev/tcp/127.0.0.1/{p}" 2>/dev/null || echo {p};' for p in want)
    res = lab.exec("host", ["bash", "-c", script], timeout=30)
    closed = res.stdout.split()
    assert not closed, (
        f"expected the host to reach its own broker on 127.0.0.1; port(s) {', '.join(closed)} do not open "
        "from the host itself")


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(5)
@pytest.mark.depends("test_management_only_from_admin")  # an enabled nftables.service with no rules earns nothing
@pytest.mark.look("`systemctl is-enabled nftables`; `nft -c -f /etc/nftables.conf`")
def test_rules_load_at_boot(lab):
    """The rules are in /etc/nftables.conf, which checks out, and nftables.service loads it at boot"""
    props = Systemd(lab, "host").show("nftables.service")
    state = props.get("UnitFileState")
    assert state == "enabled", f"expected nftables.service enabled (it loads /etc/nftables.conf at boot); it is {state}"
    res = lab.exec("host", ["nft", "-c", "-f", "/etc/nftables.conf"], timeout=30)
    assert res.ok, f"`nft -c -f /etc/nftables.conf` refuses the file: {(res.stderr or res.stdout).strip()[-300:]}"


@pytest.mark.points(15)
@pytest.mark.after_restart
@pytest.mark.covers(1, 2, 3, 4, 5)
def test_everything_survives_a_reboot(restart_outcome):
    """After a reboot of the host every network x port pair still holds"""
    restart_outcome.assert_all_passed()
