"""Checks of linux-network-triage: 100 points. From the app host they read the route a packet would take
(`ip route get`), open a PostgreSQL handshake to the database (SSLRequest: a real server's one-byte answer, no
login), and read the firewall's ruleset (`nft -j list ruleset`), the units and the answer file."""

import json
import re

import pytest

from pytest_altlab.helpers.network import host_address
from pytest_altlab.helpers.systemd import Systemd

CAUSES = {"route", "firewall"}
WORDS = ("dns", "hosts", "route", "firewall")
# PostgreSQL's SSLRequest (length 8, code 80877103): a server answers 'S' or 'N' before any login.
SSL_REQUEST = r"\x00\x00\x00\x08\x04\xd2\x16\x2f"


@pytest.fixture
def db_ip(lab):
    return host_address(lab, "db", "data")


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(1, 2)
@pytest.mark.look("`ip route get DB_HOST` on the app host; the router in /etc/altcraft/networks")
def test_route_to_the_database(lab, db_ip):
    """The app host routes the database's address through the router"""
    router = host_address(lab, "router", "app")
    res = lab.exec("host", ["ip", "route", "get", db_ip])
    route = (res.stdout or res.stderr).strip().splitlines()[0] if (res.stdout or res.stderr).strip() else ""
    # The message names neither the database's address nor the router's: finding them is the task.
    via = re.search(r" via (\S+)", route)
    dev = re.search(r" dev (\S+)", route)
    found = (f"they go via {via.group(1)}" if via else f"they go out directly on {dev.group(1)}" if dev
             else f"there is no route ({(route or res.stderr.strip()[:80] or 'no output').replace(db_ip, 'DB_HOST')})")
    assert res.ok and f"via {router} " in route + " ", (
        f"expected packets to the database (DB_HOST) to go via the router of /etc/altcraft/networks; {found}")


@pytest.mark.points(30)
@pytest.mark.persistent
@pytest.mark.covers(2)
@pytest.mark.look("`timeout 3 bash -c '</dev/tcp/DB_HOST/5432'` on the app host; `nft list ruleset`; `ip route`")
def test_database_answers(lab, db_ip):
    """From the app host, the database answers a PostgreSQL handshake on DB_HOST:DB_PORT"""
    port = lab.params.db_port
    script = (f"exec 3<>/dev/tcp/{db_ip}/{port} || exit 7; printf '{SSL_REQUEST}' >&3; "
              "head -c1 <&3")
    res = lab.exec("host", ["timeout", "4", "bash", "-c", script], timeout=30)
    answer = res.stdout.strip()
    why = {124: "no answer within 4 s (dropped on the way)", 7: "the connection was refused"}.get(
        res.returncode, (res.stderr or "").strip()[-160:].replace(db_ip, "DB_HOST"))
    assert answer in ("S", "N"), (
        f"expected the database (DB_HOST:DB_PORT) to answer the app host; {why or repr(answer)}")


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.depends("test_database_answers")
@pytest.mark.covers(2)
@pytest.mark.look("`nft list ruleset`; `systemctl is-enabled nftables`")
def test_firewall_kept(lab):
    """The host's firewall stays: nftables loads at boot and the input chain still drops by default"""
    state = Systemd(lab, "host").show("nftables.service").get("UnitFileState")
    assert state == "enabled", f"expected nftables.service enabled (the host's firewall); it is {state}"
    res = lab.exec("host", ["nft", "-j", "list", "ruleset"])
    assert res.ok, f"cannot read the ruleset: {res.stderr.strip()[-200:]}"
    chains = [item["chain"] for item in json.loads(res.stdout).get("nftables", []) if "chain" in item]
    guarded = [c for c in chains if c.get("hook") == "input" and c.get("policy") == "drop"]
    assert guarded, (
        "expected the host's input chain to keep its `policy drop`; the ruleset has no input chain that drops "
        f"by default (chains: {', '.join(c.get('name', '?') + '/' + str(c.get('hook')) for c in chains) or 'none'})")


@pytest.mark.points(15)
@pytest.mark.covers(3)
@pytest.mark.look("the answer file: one word per line")
def test_causes_named(lab):
    """The answer file names exactly the causes"""
    path = lab.params.answer_file
    text = lab.read_file("host", path)
    assert text is not None, f"expected the causes in {path}; there is no such file"
    words = {line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")}
    unknown = sorted(words - set(WORDS))
    assert not unknown, f"expected only the words {', '.join(WORDS)} in {path}; found {', '.join(unknown)}"
    assert words == CAUSES, (
        f"{path} names {', '.join(sorted(words)) or 'nothing'}: "
        + ("something that is not a cause here" if words - CAUSES else "not every cause"))


@pytest.mark.points(20)
@pytest.mark.after_restart
@pytest.mark.covers(2)
def test_everything_survives_a_reboot(restart_outcome):
    """After a reboot of the app host the route, the database connection and the firewall still hold"""
    restart_outcome.assert_all_passed()
