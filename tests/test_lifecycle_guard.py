"""Nothing lost, nothing hangs: stopped labs keep the candidate's work, one action per instance, killed starts
are cleared (Docker, the probe lab)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_altlab.instance import project_name

from .conftest import TEST_LABS, altlab, leftovers

L = ("--lab-dir", str(TEST_LABS))
NOTHING = {"containers": [], "networks": [], "volumes": []}
pytestmark = pytest.mark.docker


def box(project: str) -> str:
    return f"{project}-box-1"


def write_work(instance: str, text: str = "my work") -> None:
    res = altlab(*L, "shell", "probe", "--instance", instance, "--", "sh", "-c", f"echo '{text}' > /srv/work")
    assert res.returncode == 0, res.stderr


def read_work(instance: str) -> str:
    return altlab(*L, "shell", "probe", "--instance", instance, "--", "cat", "/srv/work").stdout.strip()


@pytest.mark.parametrize("how", ["stop", "pause"])
def test_a_stopped_lab_is_told_apart_and_keeps_the_work(how: str) -> None:
    inst = f"kept-{how}"
    project = project_name("probe", inst)
    assert altlab(*L, "start", "probe", "--instance", inst).returncode == 0
    try:
        write_work(inst)
        subprocess.run(["docker", how, box(project)], capture_output=True, check=True)
        word = "stopped" if how == "stop" else "paused"
        for cmd in ("status", "grade"):
            res = altlab(*L, cmd, "probe", "--instance", inst)
            out = res.stdout + res.stderr
            assert res.returncode != 0 and f"is {word}" in out and "altlab restart probe" in out, out
            assert "Traceback" not in out
        res = altlab(*L, "start", "probe", "--instance", inst)
        assert res.returncode == 2 and f"is {word}" in res.stderr and "--fresh" in res.stderr, res.stderr
        assert leftovers(project)["volumes"], "a refused start deletes nothing"
        res = altlab(*L, "restart" if how == "stop" else "resume", "probe", "--instance", inst)
        assert res.returncode == 0 and "started again (volumes kept): box" in res.stdout, res.stdout + res.stderr
        assert read_work(inst) == "my work", "the candidate's work came back"
        again = altlab(*L, "resume", "probe", "--instance", inst)
        assert again.returncode == 0 and "nothing was down" in again.stdout
        subprocess.run(["docker", "stop", box(project)], capture_output=True, check=True)
        fresh = altlab(*L, "start", "probe", "--instance", inst, "--fresh")
        assert fresh.returncode == 0, fresh.stderr
        assert read_work(inst) == "", "--fresh starts from nothing"
        write_work(inst)
        subprocess.run(["docker", how, box(project)], capture_output=True, check=True)
        reset = altlab(*L, "reset", "probe", "--instance", inst)
        assert reset.returncode == 0 and "fresh start" in reset.stdout, reset.stdout + reset.stderr
        assert read_work(inst) == "", "reset is the other explicit way to discard the work"
    finally:
        altlab(*L, "stop", "probe", "--instance", inst)
    assert leftovers(project) == NOTHING


def test_two_starts_at_once_one_wins() -> None:
    inst = "race"
    project = project_name("probe", inst)
    argv = [sys.executable, "-m", "pytest_altlab.cli", *L, "start", "probe", "--instance", inst]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        outs = [p.communicate(timeout=300) for p in procs]
        codes = sorted(p.returncode for p in procs)
        assert codes == [0, 2], outs
        loser = next(err for (out, err), p in zip(outs, procs, strict=True) if p.returncode == 2)
        assert "is being started by another process" in loser or "already running" in loser, loser
        assert "Traceback" not in loser
        assert altlab(*L, "status", "probe", "--instance", inst).returncode == 0
    finally:
        altlab(*L, "stop", "probe", "--instance", inst)
    assert leftovers(project) == NOTHING


def test_a_progress_grading_restarts_nothing() -> None:
    inst = "noprogress-restart"
    project = project_name("probe", inst)
    assert altlab(*L, "start", "probe", "--instance", inst).returncode == 0
    try:
        fmt = ["docker", "inspect", "--format", "{{.State.StartedAt}}", box(project)]
        before = subprocess.run(fmt, capture_output=True, text=True, check=True).stdout
        res = altlab(*L, "grade", "probe", "--instance", inst)
        assert res.returncode == 1
        assert subprocess.run(fmt, capture_output=True, text=True, check=True).stdout == before
    finally:
        altlab(*L, "stop", "probe", "--instance", inst)


def _kill_start_when(inst: str, ready: Callable[[], bool], sig: int) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", *L, "start", "probe", "--instance", inst],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not ready():
        time.sleep(0.05)
    os.killpg(proc.pid, sig)
    proc.wait(timeout=120)


def _state(inst: str) -> dict:
    f = Path(os.environ["ALTLAB_HOME"]) / "instances" / project_name("probe", inst) / "state.json"
    try:
        return dict(json.loads(f.read_text()))
    except (OSError, ValueError):
        return {}


def _container_up(inst: str) -> bool:
    return bool(subprocess.run(["docker", "ps", "-q", "--filter", f"name={box(project_name('probe', inst))}"],
                               capture_output=True, text=True).stdout.strip())


@pytest.mark.parametrize("moment", ["state written", "container up"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "int"])
def test_a_start_killed_mid_way_is_cleared_by_the_next_command(moment: str, sig: int) -> None:
    inst = f"killed-{sig}-{moment.replace(' ', '-')}"
    project = project_name("probe", inst)
    ready = (lambda: bool(_state(inst))) if moment == "state written" else (lambda: _container_up(inst))
    _kill_start_when(inst, ready, sig)
    st = _state(inst)
    if sig == signal.SIGKILL and st:
        assert st.get("phase") == "starting", "a killed start is known by its marker"
    status = altlab(*L, "status", "probe", "--instance", inst, timeout=300)
    assert status.returncode == 1 and "not running" in status.stdout, status.stdout + status.stderr
    assert leftovers(project)["containers"] == [], "the next command cleared the half-started lab"
    grade = altlab(*L, "grade", "probe", "--instance", inst)
    assert grade.returncode == 2 and "not running" in grade.stderr and "Traceback" not in grade.stderr
    start = altlab(*L, "start", "probe", "--instance", inst, timeout=300)
    assert start.returncode == 0, start.stderr
    assert _state(inst).get("phase") == ""
    assert altlab(*L, "stop", "probe", "--instance", inst).returncode == 0
    assert leftovers(project) == NOTHING


def test_grading_a_killed_start_says_so_and_then_start_works() -> None:
    inst = "killed-then-start"
    project = project_name("probe", inst)
    _kill_start_when(inst, lambda: _container_up(inst), signal.SIGKILL)
    start = altlab(*L, "start", "probe", "--instance", inst, timeout=300)
    assert start.returncode == 0, start.stderr
    assert "did not finish: removing what it created" in start.stderr
    grade = altlab(*L, "grade", "probe", "--instance", inst)
    assert grade.returncode == 1, grade.stdout + grade.stderr
    assert altlab(*L, "stop", "probe", "--instance", inst).returncode == 0
    assert leftovers(project) == NOTHING


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "int"])
def test_a_start_killed_during_its_break_step(sig: int) -> None:
    inst = f"break-{sig}"
    project = project_name("hang", inst)

    def breaking() -> bool:
        return subprocess.run(["docker", "exec", f"{project}-box-1", "test", "-f", "/tmp/breaking"],
                              capture_output=True).returncode == 0

    proc = subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", *L, "start", "hang", "--instance", inst],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not breaking():
        time.sleep(0.1)
    assert proc.poll() is None, "the start ended before its break step could be interrupted"
    os.killpg(proc.pid, sig)
    proc.wait(timeout=120)
    grade = altlab(*L, "grade", "hang", "--instance", inst)
    assert grade.returncode == 2 and "not running" in grade.stderr, grade.stdout + grade.stderr
    assert leftovers(project) == NOTHING, "never a running lab without its break step"
    assert altlab(*L, "start", "hang", "--instance", inst).returncode == 0
    assert altlab(*L, "stop", "hang", "--instance", inst).returncode == 0
    assert leftovers(project) == NOTHING
