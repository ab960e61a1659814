"""The Linux-host labs (service, firewall, disk, network): parsers, the compose networks, and grading only reads."""

from __future__ import annotations

import hashlib

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.composefile import render_compose
from pytest_altlab.helpers.logrotate import parse_debug
from pytest_altlab.helpers.network import Reach, _probe_script
from pytest_altlab.helpers.systemd import Account, parse_rlimit, parse_show
from pytest_altlab.lab import LabRunner

from .conftest import assert_grading_changes_nothing

# --- text formats (no Docker) ---------------------------------------------------------------------


def test_systemctl_show_and_limits_parse() -> None:
    props = parse_show("MainPID=42\nLimitNOFILE=infinity\nLimitNOFILESoft=1024\nExecStart={ path=/usr/bin/x ; }\n")
    assert props["MainPID"] == "42" and props["ExecStart"] == "{ path=/usr/bin/x ; }"
    assert parse_rlimit(props["LimitNOFILE"]) is None and parse_rlimit(props["LimitNOFILESoft"]) == 1024


def test_a_service_account_has_no_login_shell() -> None:
    assert not Account("cache", 999, 999, "/var/lib/c", "/usr/sbin/nologin").can_log_in
    assert not Account("cache", 999, 999, "/var/lib/c", "/bin/false").can_log_in
    assert Account("cache", 1000, 1000, "/home/cache", "/bin/bash").can_log_in


def test_reach_outcomes_read_as_sentences() -> None:
    assert Reach("open").open and not Reach("dropped").open and not Reach("refused").open
    assert str(Reach("dropped")) == "gets no answer (dropped)"
    script = _probe_script("10.0.0.2", (5672, 15672))
    assert "for p in 5672 15672;" in script and "/dev/tcp/10.0.0.2/$p" in script and script.endswith("wait")


LOGROTATE_DEBUG = """\
rotating pattern: /srv/log/a.log 1048576 bytes empty log files are rotated, (4 rotations), old logs are removed
considering log /srv/log/a.log
rotating log /srv/log/a.log, log->rotateCount is 4
copying /srv/log/a.log to /srv/log/a.log.1
truncating /srv/log/a.log
compressing log with: /bin/gzip

rotating pattern: /srv/log/*.txt after 1 days empty log files are rotated, log files >= 2097152 are rotated \
earlier, (2 rotations), old logs are removed
considering log /srv/log/b.txt
renaming /srv/log/b.txt to /srv/log/b.txt.1
considering log /srv/log/c.txt
"""


def test_logrotate_debug_output_parses_per_log() -> None:
    logs = parse_debug(LOGROTATE_DEBUG)
    assert sorted(logs) == ["/srv/log/a.log", "/srv/log/b.txt", "/srv/log/c.txt"]
    a, b = logs["/srv/log/a.log"], logs["/srv/log/b.txt"]
    assert (a.size_limit, a.kept, a.compresses, a.copies_then_truncates("/srv/log/a.log")) == (1048576, 4, True, True)
    assert (b.size_limit, b.kept, b.compresses, b.copies_then_truncates("/srv/log/b.txt")) == (2097152, 2, False, False)
    assert logs["/srv/log/c.txt"].kept == 2  # one pattern, several logs: each gets the pattern's rule


def test_the_labs_own_networks_are_declared() -> None:
    """compose refuses a service on an undeclared network: render_compose declares each network once."""
    doc = render_compose(Catalog().get("linux-firewall"), "debian", "altlab-x-linux-firewall")
    assert doc["networks"] == {"admin": {}, "app": {}, "office": {}}
    host = doc["services"]["host"]
    assert host["networks"] == ["admin", "app", "office"] and host["cap_add"] == ["NET_ADMIN"]
    assert "privileged" not in host and "/sys/fs/cgroup:/sys/fs/cgroup:ro" in host["volumes"]
    assert "networks" not in render_compose(Catalog().get("linux-systemd-service"), "debian", "altlab-x-l")


# --- Docker -----------------------------------------------------------------------------------------

UNIT_STATE = "ActiveState,UnitFileState,User,Restart,LimitNOFILE,LimitNOFILESoft,LimitMEMLOCK,LimitMEMLOCKSoft"


def _digest_service(r: LabRunner) -> str:
    """The candidate's side of the cache: its unit and how systemd sees it (not its PID: the reboot and the
    kill check make a new process by design), its account, its config, the container itself."""
    ctx = r.context()
    parts = [ctx.inspect("host")["Id"],
             ctx.exec("host", ["sh", "-c", "cat /etc/systemd/system/altcraft-cache.service 2>&1; "
                               f"systemctl show -p {UNIT_STATE} altcraft-cache; getent passwd cache; "
                               "cat /etc/altcraft-cache/cache.conf; ls -la /var/lib/altcraft-cache"]).stdout]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _digest_firewall(r: LabRunner) -> str:
    """The rules in the kernel and on disk, and which units start at boot."""
    ctx = r.context()
    parts = [ctx.inspect("host")["Id"],
             ctx.exec("host", ["sh", "-c", "nft list ruleset; cat /etc/nftables.conf; "
                               "systemctl is-enabled nftables rabbitmq-server; systemctl is-active rabbitmq-server"]
                      ).stdout]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _digest_disk(r: LabRunner) -> str:
    """The candidate's configuration: logrotate's files, the timer, the cache's config and persistence mode.
    Not the partition's contents (a reboot empties the RAM disk by design) nor logrotate's state file (the
    timer may run logrotate at boot)."""
    ctx = r.context()
    parts = [ctx.inspect("host")["Id"],
             ctx.exec("host", ["sh", "-c", "cat /etc/logrotate.conf /etc/logrotate.d/*; systemctl cat logrotate.timer; "
                               "systemctl is-enabled logrotate.timer; cat /etc/altcraft-cache/cache.conf; "
                               "redis-cli -p 6390 config get appendonly"]).stdout]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _digest_triage(r: LabRunner) -> str:
    """The app host's routes (not the interfaces' own: they carry its address, which a reboot may change), its
    rules in the kernel and on disk, its units and the answer file."""
    ctx = r.context()
    parts = [ctx.inspect("host")["Id"],
             ctx.exec("host", ["sh", "-c", "ip route | grep -v 'proto kernel'; nft list ruleset; "
                               "cat /etc/nftables.conf /root/CAUSE.txt; ls /etc/systemd/system; "
                               "systemctl is-enabled nftables"]).stdout]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.mark.docker
@pytest.mark.parametrize(("lab_id", "digest"), [("linux-systemd-service", _digest_service),
                                                 ("linux-firewall", _digest_firewall),
                                                 ("linux-disk-space", _digest_disk),
                                                 ("linux-network-triage", _digest_triage)])
def test_grading_changes_nothing(lab_id: str, digest: object) -> None:
    assert_grading_changes_nothing(lab_id, digest)  # type: ignore[arg-type]
