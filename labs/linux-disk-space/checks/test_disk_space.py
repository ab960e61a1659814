"""Checks of linux-disk-space: 100 points. They read df, the cache's INFO and keys, the append-only file's
manifest, `logrotate -d` (debug: it rotates nothing and leaves its state file alone) and the timer's properties."""

import re

import pytest

from pytest_altlab.helpers.logrotate import parse_debug
from pytest_altlab.helpers.redis import RedisServer
from pytest_altlab.helpers.systemd import Systemd

LOGROTATE_TIMER = "logrotate.timer"


@pytest.fixture
def cache(lab):
    server = RedisServer(lab, "host", int(lab.params.port))
    yield server
    server.close()


@pytest.fixture
def systemd(lab):
    return Systemd(lab, "host")


def _rotation(lab, systemd, forced=False):
    """The cache log's entry in logrotate's debug run of the whole configuration (as the timer runs it)."""
    __tracebackhide__ = True
    flag = "-f " if forced else ""
    key = ("logrotate-debug", forced)
    res = lab.cached(key, lambda: lab.exec("host", ["sh", "-c", f"logrotate -d {flag}/etc/logrotate.conf 2>&1"]))
    return res, parse_debug(res.stdout).get(lab.params.log)


def _size(text):
    m = re.fullmatch(r"(\d+)([kMG]?)", text)
    assert m, text
    return int(m.group(1)) * {"": 1, "k": 1024, "M": 1024 ** 2, "G": 1024 ** 3}[m.group(2)]


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(1, 2)
@pytest.mark.look("`df -h PARTITION`; `du -ah PARTITION | sort -h`; `lsof +L1` for files deleted but still open")
def test_partition_has_room(lab, systemd):
    """The partition has room again (at least the task's share of it free)"""
    p = lab.params
    out = systemd.sh(f"df -B1 --output=size,used,avail {p.partition} | tail -1", f"measure {p.partition}")
    size, used, avail = (int(x) for x in out.split())
    want = int(p.min_free_percent)
    assert avail * 100 >= want * size, (
        f"expected at least {want}% of {p.partition} free; df shows {used // 2**20} MiB used of {size // 2**20} MiB "
        f"({avail * 100 // size}% free)")


@pytest.mark.points(20)
@pytest.mark.depends("test_partition_has_room")
@pytest.mark.covers(2)
@pytest.mark.look("the cache's folder under PARTITION/cache (appendonlydir); `redis-cli -p PORT dbsize`")
def test_cache_data_kept(lab, systemd, cache):
    """The cache's data is all there, in memory and in its append-only file on disk

    Not repeated after the reboot: the partition is a RAM disk here, and a reboot empties it."""
    p = lab.params
    n = int(p.keys)
    have = cache.count_existing(f"campaign:{i}" for i in range(1, n + 1))
    assert have == n, f"expected the cache's {n} keys campaign:1..{n}; {have} exist"
    folder = f"{p.partition}/cache/" + (cache.config_get("appenddirname") or "appendonlydir")
    listing = systemd.sh(f"cd {folder} 2>/dev/null && for m in *.manifest; do echo \"$m\"; cat \"$m\"; done",
                         f"read the append-only file's manifest in {folder}")
    files = re.findall(r"^file (\S+) seq \d+ type [bhi]", listing, re.MULTILINE)
    assert files, (f"expected the cache's append-only file in {folder} (a *.manifest and the files it lists); "
                   "found none: the data would be gone at the cache's next start")
    missing = systemd.sh(f"cd {folder} && for f in {' '.join(files)}; do [ -s \"$f\" ] || echo \"$f\"; done",
                         "look at the append-only files")
    assert not missing.strip(), f"the append-only manifest in {folder} lists files that are missing or empty: {missing}"


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.look("`redis-cli -p PORT info persistence` (aof_enabled, aof_last_write_status); `systemctl status UNIT`")
def test_cache_healthy(lab, systemd, cache):
    """The cache runs under its unit and writes its append-only file again (appendonly on, last write ok)"""
    unit = f"{lab.params.unit}.service"
    props = systemd.show(unit)
    assert props.get("ActiveState") == "active", (
        f"expected unit {unit} active; it is {props.get('ActiveState')}/{props.get('SubState')}")
    info = cache.info("persistence")
    assert info.get("aof_enabled") == "1", (
        "expected the cache to keep its append-only file (appendonly yes); it runs with appendonly off: "
        "it keeps nothing on disk")
    status = info.get("aof_last_write_status")
    assert status == "ok", f"expected the cache's last append-only write to succeed; aof_last_write_status is {status}"


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(4)
@pytest.mark.look("`logrotate -d /etc/logrotate.conf`: errors, and whether it considers the cache's log")
def test_logrotate_config_valid(lab, systemd):
    """logrotate's configuration is valid and rotates the cache's log"""
    res, rotation = _rotation(lab, systemd)
    errors = [line for line in res.stdout.splitlines() if line.startswith("error:")]
    assert res.ok and not errors, (
        "expected `logrotate -d /etc/logrotate.conf` to run without errors; it says: "
        + ("; ".join(errors[:3]) or res.stdout.strip()[-300:]))
    assert rotation is not None, f"expected logrotate's configuration to cover {lab.params.log}; no entry considers it"


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.depends("test_logrotate_config_valid")
@pytest.mark.covers(4)
@pytest.mark.look("`logrotate -d -f /etc/logrotate.conf` for the cache's log: size, rotate, compress, copytruncate")
def test_rotation_keeps_the_log_small(lab, systemd):
    """The rotation is by size, keeps a few compressed copies, and empties the log Redis keeps open"""
    p = lab.params
    _, rotation = _rotation(lab, systemd)
    limit, keep = _size(p.rotate_size), int(p.rotate_keep)
    assert rotation.size_limit is not None and rotation.size_limit <= limit, (
        f"expected {p.log} to rotate once it passes {p.rotate_size} (size or maxsize); logrotate's rule is: "
        f"{rotation.pattern.removeprefix('rotating pattern: ')}")
    assert rotation.kept is not None and 1 <= rotation.kept <= keep, (
        f"expected at most {keep} rotated copies kept; logrotate keeps {rotation.kept}")
    # Right after a reboot the log (on a tmpfs) is empty until the cache writes its first lines, and logrotate
    # skips an empty log (notifempty) even when forced: wait briefly for them, reading only.
    lab.poll(lambda: (lab.exec("host", ["test", "-s", p.log]).ok, None), within=30)
    _, forced = _rotation(lab, systemd, forced=True)
    assert forced is not None and forced.compresses, f"expected the rotated copies of {p.log} compressed"
    assert forced.copies_then_truncates(p.log), (
        f"expected the rotation to copy {p.log} and empty it in place (copytruncate): Redis keeps the file open "
        "and cannot reopen it, so a renamed log goes on growing under its new name")


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.depends("test_logrotate_config_valid")
@pytest.mark.covers(5)
@pytest.mark.look("`systemctl show logrotate.timer -p UnitFileState,TimersCalendar`; `systemctl list-timers`")
def test_rotation_runs_hourly(systemd):
    """logrotate's timer is enabled, active, and fires at least hourly"""
    props = systemd.sh(f"systemctl show --no-pager -p UnitFileState,ActiveState,TimersCalendar {LOGROTATE_TIMER}",
                       "read logrotate.timer")
    state = dict(line.split("=", 1) for line in props.splitlines() if "=" in line)
    assert (state.get("UnitFileState"), state.get("ActiveState")) == ("enabled", "active"), (
        f"expected {LOGROTATE_TIMER} enabled and active; "
        f"it is {state.get('UnitFileState')}, {state.get('ActiveState')}")
    specs = re.findall(r"OnCalendar=(\S+ \S+)", props)
    hourly = [s for s in specs if s.split(" ")[1].split(":")[0] == "*" or "/" in s.split(" ")[1].split(":")[0]]
    assert hourly, (
        f"expected {LOGROTATE_TIMER} to fire at least every hour; its calendar is {', '.join(specs) or 'empty'}")


@pytest.mark.points(10)
@pytest.mark.after_restart
@pytest.mark.covers(3, 4, 5)
def test_everything_survives_a_reboot(restart_outcome):
    """After a reboot of the host the cache, the rotation and the timer still hold"""
    restart_outcome.assert_all_passed()
