"""Checks of linux-systemd-service: 100 points. They read systemd's view (`systemctl show`), /proc of the
unit's main process, the user database and the journal; only the after-reboot kill check acts, and it
leaves the unit as it found it."""

import time

import pytest

from pytest_altlab.helpers.container import LIMIT_ROWS, Limit
from pytest_altlab.helpers.systemd import parse_rlimit

RESTARTS_AFTER_A_KILL = ("on-failure", "on-abnormal", "always")  # each restarts a process killed by a signal


def _want(value):
    return "unlimited" if value is None else f"at least {value}"


def _unit_limit(props, name):
    """The limit systemd applies to the unit (LimitX is the hard, LimitXSoft the soft one)."""
    key = {"nofile": "LimitNOFILE", "memlock": "LimitMEMLOCK"}[name]
    return Limit(parse_rlimit(props.get(key + "Soft", "0")), parse_rlimit(props.get(key, "0")))


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.look("`systemctl status UNIT`; `ss -ltnp` shows which process holds the cache's port")
@pytest.mark.covers(1)
def test_unit_runs_the_cache(lab, systemd, unit, cache):
    """The unit is active and its main process is the Redis server that answers on the cache's port"""
    props = systemd.show(unit)
    pid = systemd.main_pid(unit)
    assert (props.get("ActiveState"), props.get("SubState")) == ("active", "running"), (
        f"expected unit {unit} active/running; systemd reports {props.get('ActiveState')}/{props.get('SubState')}")
    argv = systemd.process_command(pid)
    assert argv and argv[0].rsplit("/", 1)[-1].startswith("redis-server"), (
        f"expected the main process of {unit} to be redis-server; PID {pid} runs {' '.join(argv)[:200]}")
    served_by = int(cache.info("server").get("process_id", "0"))
    assert served_by == pid, (
        f"the cache on port {lab.params.port} is served by PID {served_by}, not by the unit's main process "
        f"(PID {pid}): another Redis, not under systemd, holds the port")


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.depends("test_unit_runs_the_cache")
@pytest.mark.look("`ps -o user,pid,cmd -C redis-server`; `getent passwd USER`; User= in the unit")
@pytest.mark.covers(2)
def test_cache_runs_as_its_own_user(lab, systemd, unit):
    """The cache runs as its own system account (not root; no login shell)"""
    name = lab.params.cache_user
    account = systemd.account(name)
    assert account is not None, f"expected a user '{name}'; `getent passwd {name}` finds none"
    uids = systemd.process_uids(systemd.main_pid(unit))
    runs_as = systemd.account_of_uid(uids[1])
    assert set(uids) == {account.uid}, (
        f"expected the cache to run as '{name}' (uid {account.uid}); its main process runs as {runs_as} "
        f"(real/effective/saved/fs uids {'/'.join(map(str, uids))})")
    assert account.uid != 0, f"the user '{name}' has uid 0: it is root under another name"
    assert not account.can_log_in, (
        f"expected '{name}' to be a service account without a login shell; its shell is {account.shell}")
    assert account.uid < 1000, (
        f"expected '{name}' to be a system account (uid below 1000); it has uid {account.uid}, a regular user's")


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.look("`systemctl show UNIT -p Restart`")
@pytest.mark.covers(3)
def test_restart_on_failure(systemd, unit):
    """systemd restarts the cache when it crashes or is killed (Restart=on-failure)"""
    restart = systemd.show(unit).get("Restart")
    assert restart in RESTARTS_AFTER_A_KILL, (
        f"expected unit {unit} to restart after a failure (Restart=on-failure); systemd reports Restart={restart}")


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.depends("test_unit_runs_the_cache")
@pytest.mark.look("`systemctl show UNIT -p LimitNOFILE,LimitNOFILESoft`; 'Max open files' in /proc/<pid>/limits")
@pytest.mark.covers(4)
def test_open_files_limit(systemd, unit, targets):
    """The cache may open enough files: LimitNOFILE of the unit and of its process, soft and hard"""
    _assert_limit(systemd, unit, "nofile", targets["nofile"])


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.depends("test_unit_runs_the_cache")
@pytest.mark.look("`systemctl show UNIT -p LimitMEMLOCK,LimitMEMLOCKSoft`; 'Max locked memory' in /proc/<pid>/limits")
@pytest.mark.covers(4)
def test_locked_memory_limit(systemd, unit, targets):
    """The cache may lock enough memory: LimitMEMLOCK of the unit and of its process, soft and hard"""
    _assert_limit(systemd, unit, "memlock", targets["memlock"])


def _assert_limit(systemd, unit, name, want):
    __tracebackhide__ = True
    setting = _unit_limit(systemd.show(unit), name)
    assert setting.at_least(want), (
        f"expected unit {unit} to allow {_want(want)} for {name}, soft and hard; `systemctl show` reports {setting}")
    pid = systemd.main_pid(unit)
    got = systemd.process_limits(pid)[LIMIT_ROWS[name]]
    assert got.at_least(want), (
        f"expected the cache's process to run with {name} {_want(want)}, soft and hard; /proc/{pid}/limits shows "
        f"{got} (a limit the process lowered itself, or a unit changed since the process started)")


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.look("`systemctl is-enabled UNIT`; [Install] WantedBy= in the unit")
@pytest.mark.covers(5)
def test_enabled_at_boot(systemd, unit):
    """The unit is enabled: the boot starts it (multi-user.target wants it)"""
    props = systemd.show(unit)
    state = props.get("UnitFileState")
    assert props.get("LoadState") != "not-found", f"expected unit {unit} enabled; systemd knows no unit {unit}"
    assert state == "enabled", f"expected unit {unit} enabled; `systemctl is-enabled` reports '{state or 'nothing'}'"
    assert "multi-user.target" in props.get("WantedBy", "").split(), (
        f"expected the boot target multi-user.target to want {unit}; it is wanted by "
        f"'{props.get('WantedBy') or 'nothing'}'")


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.depends("test_unit_runs_the_cache")
@pytest.mark.look("`journalctl -u UNIT`; `logfile` in the cache's config and StandardOutput= of the unit")
@pytest.mark.covers(6)
def test_logs_in_the_journal(systemd, unit):
    """The cache's own log lines (its start-up) are in the journal under the unit"""
    pid = systemd.main_pid(unit)
    lines = systemd.journal(unit, pid)
    assert "Ready to accept connections" in lines, (
        f"expected the cache's start-up lines ('Ready to accept connections') in the journal of {unit} from "
        f"its process {pid}; `journalctl -u {unit} _PID={pid}` has "
        + (f"only: {lines.strip().splitlines()[-1][:160]}" if lines.strip() else "nothing from it"))


@pytest.mark.points(5)
@pytest.mark.after_restart
@pytest.mark.covers(1, 2, 3, 4, 5, 6)
def test_everything_survives_a_reboot(restart_outcome):
    """After a reboot of the host the unit starts by itself and everything above still holds"""
    restart_outcome.assert_all_passed()


@pytest.mark.points(10)
@pytest.mark.after_restart
@pytest.mark.depends("test_unit_runs_the_cache", "test_restart_on_failure")
@pytest.mark.look("`kill -9 $(systemctl show -p MainPID --value UNIT)`, then `systemctl status UNIT`")
@pytest.mark.covers(3)
def test_comes_back_after_a_kill(lab, systemd, unit, cache):
    """Killed (SIGKILL), the cache is back within 20 s as a new process of the unit

    This check acts: it kills the unit's main process. It runs in the reboot phase only (which has
    already restarted everything) and last; if the cache does not come back by itself, the grader
    starts the unit again, so grading leaves the unit running, as it found it."""
    before = systemd.show(unit, fresh=True)
    pid = int(before.get("MainPID") or 0)
    assert pid > 0 and before.get("ActiveState") == "active", f"unit {unit} is not running after the reboot"
    killed = lab.exec("host", ["kill", "-KILL", str(pid)])
    assert killed.ok, f"could not kill PID {pid}: {killed.stderr.strip()}"
    after = systemd.wait_for_new_pid(unit, pid)
    new = int(after.get("MainPID") or 0)
    if new in (0, pid) or after.get("ActiveState") != "active":
        lab.exec("host", ["sh", "-c", f"systemctl reset-failed {unit}; systemctl start {unit}"])
        raise AssertionError(
            f"expected systemd to start the cache again after its process {pid} was killed; 20 s later unit {unit} "
            f"is {after.get('ActiveState')}/{after.get('SubState')} (Restart={after.get('Restart')}). "
            "The grader started it again by hand")
    lab.invalidate()  # the process changed: nothing cached about the old one holds
    deadline = time.monotonic() + 10
    while not (answer := cache.probe("PING")).ok and time.monotonic() < deadline:
        time.sleep(0.5)
    assert answer.ok, f"the cache's new process {new} does not answer PING: {answer.detail}"
