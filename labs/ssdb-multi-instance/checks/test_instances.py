"""Checks of ssdb-multi-instance: 100 points. They only read: SSDB's own protocol (auth, info), files, /proc.

Each instance is probed from the host through its published port (a real SSDB `info` reply), and tied
to its config file through the pidfile that file names and the process that pidfile names.
"""

import posixpath

import pytest

from pytest_altlab.helpers.ssdb import parse_config, request

INSTANCES = {"hardbounces": 8881, "notifications": 8882, "mtastats": 8883}


def _conf(lab, name):
    path = f"/etc/ssdb/{name}.conf"
    return path, lab.cached(("conf", name), lambda: lab.read_file("ssdb", path))


def _resolve(base_dir, p):
    return posixpath.normpath(p if p.startswith("/") else posixpath.join(base_dir, p))


@pytest.mark.points(25)
@pytest.mark.persistent
@pytest.mark.covers(2, 3, 4)
@pytest.mark.look("each instance's log.txt in its data folder; `redis-cli -p PORT -a PASSWORD info`")
def test_every_instance_answers_with_its_password(lab):
    """hardbounces, notifications and mtastats answer on 8881, 8882, 8883 from the network, with the password"""
    problems = []
    for name, port in INSTANCES.items():
        try:
            auth, info = request(lab, "ssdb", port, ("auth", lab.params.password), ("info",))
        except AssertionError as e:
            problems.append(f"{name}: {e}")
            continue
        if auth[:1] != ["ok"]:
            problems.append(f"{name} (port {port}) refused the password: {' '.join(auth[:2])}")
        elif info[:2] != ["ok", "ssdb-server"]:
            problems.append(f"{name} (port {port}) did not answer `info` as SSDB: {' '.join(info[:3])}")
    assert not problems, "; ".join(problems)


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.look("`auth` in the server section of each file (at least 32 characters)")
def test_password_required(lab):
    """A client without the password is refused by every instance"""
    problems = []
    for name, port in INSTANCES.items():
        try:
            (info,) = request(lab, "ssdb", port, ("info",))
        except AssertionError as e:
            problems.append(f"{name}: {e}")
            continue
        if info[:1] != ["noauth"]:
            problems.append(f"{name} (port {port}) answered `info` without a password ({info[0] if info else 'empty'})")
    assert not problems, "expected every instance to refuse a client without the password; " + "; ".join(problems)


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(1, 2, 3, 4)
@pytest.mark.look("/etc/ssdb/NAME.conf: work_dir, pidfile, server.ip, server.port, server.auth, logger.output")
def test_config_files(lab):
    """Each /etc/ssdb/NAME.conf gives its own data folder, pidfile, log, port, all interfaces and the password"""
    problems = []
    for name, port in INSTANCES.items():
        path, text = _conf(lab, name)
        if text is None:
            problems.append(f"{path} does not exist")
            continue
        v = parse_config(text).values
        want_dir = f"/var/lib/ssdb/{name}"
        work = _resolve("/etc/ssdb", v["work_dir"]) if "work_dir" in v else None
        pid = _resolve("/etc/ssdb", v["pidfile"]) if "pidfile" in v else None
        log = v.get("logger.output", "")
        # ssdb-server changes into the config file's folder first: every relative path starts there.
        log = _resolve("/etc/ssdb", log) if log and log not in ("stdout", "stderr") else log
        found = {"work_dir": work, "pidfile": pid, "logger.output": log, "server.ip": v.get("server.ip"),
                 "server.port": v.get("server.port")}
        if work != want_dir:
            problems.append(f"{path}: work_dir is {work}, expected {want_dir}")
        for key in ("pidfile", "logger.output"):
            if not (found[key] or "").startswith(want_dir + "/"):
                problems.append(f"{path}: {key} is {found[key] or 'not set'}, expected a file in {want_dir}")
        if found["server.port"] != str(port):
            problems.append(f"{path}: server.port is {found['server.port']}, expected {port}")
        if found["server.ip"] != "0.0.0.0":
            problems.append(f"{path}: server.ip is {found['server.ip']}, expected all interfaces")
        if v.get("server.auth") != lab.params.password:
            problems.append(f"{path}: server.auth is {'not set' if 'server.auth' not in v else 'not the password'}")
    assert not problems, "; ".join(problems)


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("`cat -A FILE`: a TAB shows as ^I; SSDB reads one TAB per level, never spaces")
def test_tab_indentation(lab):
    """The three config files are indented with TABs only"""
    problems = []
    for name in INSTANCES:
        path, text = _conf(lab, name)
        if text is None:
            problems.append(f"{path} does not exist")
            continue
        lines = parse_config(text).space_indented
        if lines:
            problems.append(f"{path}: lines {', '.join(map(str, lines[:8]))} are indented with spaces")
    assert not problems, "; ".join(problems)


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(2, 4)
@pytest.mark.look("the pidfile in each data folder; `ps -eo pid,args | grep ssdb-server`")
def test_each_instance_is_its_own_process_and_data(lab):
    """Each instance runs as its own ssdb-server with its config, its pidfile and its LevelDB data folder"""
    problems, pids = [], {}
    for name in INSTANCES:
        path, text = _conf(lab, name)
        if text is None:
            problems.append(f"{path} does not exist")
            continue
        v = parse_config(text).values
        work = _resolve("/etc/ssdb", v.get("work_dir", "."))
        pidfile = _resolve("/etc/ssdb", v.get("pidfile", "ssdb.pid"))
        pid = (lab.read_file("ssdb", pidfile) or "").strip()
        if not pid.isdigit():
            problems.append(f"{name}: no pidfile {pidfile} (is the instance running?)")
            continue
        cmdline = (lab.read_file("ssdb", f"/proc/{pid}/cmdline") or "").split("\0")
        if not any(c.endswith("ssdb-server") for c in cmdline) or not any(c.endswith(f"{name}.conf") for c in cmdline):
            problems.append(f"{name}: pid {pid} from {pidfile} is not an ssdb-server running {path}")
        pids[name] = pid
        ls = lab.exec("ssdb", ["ls", "-1", work])
        if not {"data", "meta"} <= set(ls.stdout.split()):
            problems.append(f"{name}: {work} holds no SSDB data (data/, meta/)")
    if len(set(pids.values())) < len(pids):
        problems.append(f"instances share a process: {pids}")
    assert not problems, "; ".join(problems)


@pytest.mark.points(10)
@pytest.mark.after_restart
@pytest.mark.covers(4)
def test_survives_restart(restart_outcome):
    """The three instances come back after the host restarts"""
    restart_outcome.assert_all_passed()
