"""The resident grader: its protocol, a crashing grading, a stale server, the fallback, reports as pytest's."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_altlab.grading import forkclient
from pytest_altlab.grading.forkclient import ForkServerError, ping, pytest_process, run_pytest, stop_server

from .conftest import TEST_LABS, altlab

CHECKS = '''
import os

def test_ok():
    assert os.environ["FS_MARK"] == "from-client"

def test_cwd():
    assert os.getcwd() == os.environ["FS_CWD"]

def test_fails():
    assert 1 == 2, "expected 1; found 2"
'''


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A state folder of its own, so this test's server is its own; stopped afterwards."""
    h = tmp_path / "home"
    monkeypatch.setenv("ALTLAB_HOME", str(h))
    monkeypatch.setenv("ALTLAB_FORKSERVER_IDLE", "60")
    monkeypatch.delenv("ALTLAB_NO_FORKSERVER", raising=False)
    yield h
    stop_server()


def checks(tmp_path: Path, text: str = CHECKS) -> Path:
    d = tmp_path / "work"
    d.mkdir(exist_ok=True)
    (d / "test_x.py").write_text(text)
    return d


ARGS = ["-q", "-p", "no:cacheprovider", "-o", "addopts=", "test_x.py"]


def test_a_grading_runs_in_a_child_with_the_clients_env_and_cwd(home: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    work = checks(tmp_path)
    monkeypatch.setenv("FS_MARK", "from-client")
    monkeypatch.setenv("FS_CWD", str(work))
    code, out = run_pytest([*ARGS, "--rootdir", str(work)], cwd=work)
    assert code == 1, out
    assert "1 failed, 2 passed" in out
    assert "expected 1; found 2" in out
    info = ping()
    assert info is not None and info["fingerprint"] == forkclient.fingerprint()
    sock = forkclient.socket_path()
    assert stat.S_IMODE(sock.stat().st_mode) == 0o600
    assert len(os.fsencode(sock)) <= forkclient.MAX_SUN_PATH
    # The same server takes the next one: no second start.
    code2, _ = run_pytest([*ARGS, "-k", "ok"], cwd=work)
    assert code2 == 0
    assert ping() == info


def test_a_crashing_grading_returns_its_code_and_the_server_lives_on(home: Path, tmp_path: Path) -> None:
    work = checks(tmp_path, "import os\n\ndef test_crash():\n    os._exit(7)\n")
    code, out = run_pytest(ARGS, cwd=work)
    assert code == 7, out
    first = ping()
    assert first is not None
    killed = checks(tmp_path, "import os, signal\n\ndef test_kill():\n    os.kill(os.getpid(), signal.SIGKILL)\n")
    code, out = run_pytest(ARGS, cwd=killed)
    assert code == 3 and "signal 9" in out
    assert ping() == first  # the same server, still answering
    ok = checks(tmp_path, "def test_ok():\n    pass\n")
    assert run_pytest(ARGS, cwd=ok)[0] == 0


def test_preloaded_plugins_are_assertion_rewritten_as_a_fresh_pytest_does(home: Path, tmp_path: Path) -> None:
    """Modules pytest rewrites (an entry-point plugin's package: anyio here, ours when installed from a wheel)
    come out of the server rewritten too, and unmarked ones plain: messages match a fresh `pytest`'s."""
    work = checks(tmp_path, "import anyio._core._eventloop as a\nimport yaml\n\n"
                            "def test_loaders():\n    print('LOADERS', type(a.__loader__).__name__, "
                            "type(yaml.__loader__).__name__)\n")
    args = [*ARGS, "-s", "-W", "error::pytest.PytestAssertRewriteWarning"]
    code, forked = run_pytest(args, cwd=work)
    fresh = subprocess.run([sys.executable, "-m", "pytest", *args], capture_output=True, text=True, cwd=work).stdout
    line = [x for x in fresh.splitlines() if x.startswith("LOADERS")]
    assert code == 0, forked
    assert line and line[0].startswith("LOADERS AssertionRewritingHook")
    assert line[0] in forked.splitlines()
    assert "PytestAssertRewriteWarning" not in forked


def test_a_stale_server_is_refused_and_replaced(home: Path, tmp_path: Path) -> None:
    work = checks(tmp_path, "def test_ok():\n    pass\n")
    assert run_pytest(ARGS, cwd=work)[0] == 0
    old = ping()
    assert old is not None
    # A client of another package version: the server refuses and stops; so does the one started for it.
    with pytest.raises(ForkServerError, match="stale"):
        run_pytest(ARGS, cwd=work, fp="0" * 16)
    for _ in range(500):  # it exits as soon as it has nothing running
        if not forkclient._alive(old["pid"]):
            break
        time.sleep(0.01)
    assert not forkclient._alive(old["pid"])
    assert run_pytest(ARGS, cwd=work)[0] == 0  # a client of today's package starts a fresh server
    new = ping()
    assert new is not None and new["pid"] != old["pid"]


def test_the_fingerprint_follows_the_package_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mod.py").write_text("x = 1\n")
    monkeypatch.setattr(forkclient, "PKG", pkg)
    before = forkclient.fingerprint()
    assert forkclient.fingerprint() == before
    os.utime(pkg / "mod.py", ns=(1, 1))
    assert forkclient.fingerprint() != before


def test_bad_requests_get_an_answer_and_harm_nothing(home: Path, tmp_path: Path) -> None:
    work = checks(tmp_path, "def test_ok():\n    pass\n")
    assert run_pytest(ARGS, cwd=work)[0] == 0
    for payload in (b"not json", json.dumps({"op": "grade", "fingerprint": forkclient.fingerprint(),
                                             "argv": ARGS}).encode()):  # the second carries no fds
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.connect(str(forkclient.socket_path()))
        s.send(payload)
        assert json.loads(s.recv(4096)) == {"error": "bad request"}
        s.close()
    assert run_pytest(ARGS, cwd=work)[0] == 0


def test_a_client_that_gives_up_stops_its_grading(home: Path, tmp_path: Path) -> None:
    work = checks(tmp_path, "import time\n\ndef test_slow():\n    time.sleep(60)\n")
    code, out = run_pytest(ARGS, cwd=work, timeout=1.0)
    assert code == 3 and "lost" in out
    assert ping() is not None


def test_without_the_server_grading_falls_back_to_a_process(home: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    work = checks(tmp_path, "def test_ok():\n    pass\n")
    monkeypatch.setenv("ALTLAB_NO_FORKSERVER", "1")
    with pytest.raises(ForkServerError):
        run_pytest(ARGS, cwd=work)
    code, out = pytest_process(ARGS, cwd=work)
    assert code == 0 and "1 passed" in out
    assert ping() is None  # nothing was started


def test_a_deep_state_folder_gets_a_socket_path_that_fits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALTLAB_HOME", str(tmp_path / ("d" * 60) / ("e" * 60)))
    p = forkclient.socket_path()
    assert len(os.fsencode(p)) <= forkclient.MAX_SUN_PATH
    assert stat.S_IMODE(p.parent.stat().st_mode) == 0o700


def _stable(doc: Any) -> Any:
    """The report without what differs between two runs of the same grading: timestamps and durations."""
    if isinstance(doc, dict):
        return {k: _stable(v) for k, v in doc.items() if k not in ("started_at", "finished_at", "duration_s")}
    if isinstance(doc, list):
        return [_stable(x) for x in doc]
    return doc


@pytest.mark.docker
def test_the_fork_server_writes_the_report_pytest_lab_writes(home: Path, tmp_path: Path) -> None:
    lab = ("--lab-dir", str(TEST_LABS))
    inst = "forkserver"
    res = altlab(*lab, "start", "probe", "--instance", inst)
    assert res.returncode == 0, res.stderr
    try:
        for state in ("broken", "solved"):
            if state == "solved":
                res = altlab(*lab, "shell", "probe", "--instance", inst, "--", "sh", "-c", "echo 42 > /srv/answer")
                assert res.returncode == 0, res.stderr
            plain, forked = tmp_path / f"pytest-{state}.json", tmp_path / f"forked-{state}.json"
            subprocess.run([sys.executable, "-m", "pytest", *lab, "--lab", "probe", "--lab-instance", inst, "-q",
                            "-p", "no:cacheprovider", "--lab-report", str(plain),
                            "--rootdir", str(TEST_LABS / "probe" / "checks")],  # node ids as `altlab grade` has them
                           capture_output=True, cwd=tmp_path, timeout=300)
            res = altlab(*lab, "grade", "probe", "--instance", inst, "--report", str(forked), "--verbose")
            assert "without the fork server" not in res.stderr
            assert ping() is not None  # the grading went through the server
            assert _stable(json.loads(forked.read_text())) == _stable(json.loads(plain.read_text()))
            shown = "test_answer_file" if state == "broken" else "3 passed"
            assert shown in res.stdout  # the terminal output streamed through the passed fds
    finally:
        altlab(*lab, "stop", "probe", "--instance", inst)
