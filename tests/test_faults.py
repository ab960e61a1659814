"""Faults during grading and around the state: a killed or paused container, a lost state file. Each case ends
in bounded time, with a report where grading was asked for, and leaves no Docker object behind (the probe lab).
Interrupted and concurrent starts are in test_lifecycle_guard.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pytest_altlab.instance import project_name

from .conftest import TEST_LABS, altlab, leftovers

L = ("--lab-dir", str(TEST_LABS))
NOTHING = {"containers": [], "networks": [], "volumes": []}
pytestmark = pytest.mark.docker


@pytest.mark.parametrize("fault", ["kill", "pause"])
def test_a_container_killed_or_paused_while_grading(fault: str, tmp_path: Path) -> None:
    inst = f"grade-{fault}"
    project = project_name("probe", inst)
    assert altlab(*L, "start", "probe", "--instance", inst).returncode == 0
    report = tmp_path / "r.json"
    try:
        grading = subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", *L, "grade", "probe", "--instance",
                                    inst, "--persistence", "--report", str(report)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not report.exists():  # the grading has begun: its placeholder
            time.sleep(0.05)
        subprocess.run(["docker", fault, f"{project}-box-1"], capture_output=True, check=True)
        out, err = grading.communicate(timeout=600)
        assert "Traceback" not in err
        doc = json.loads(report.read_text())
        assert doc["passed"] is False
        assert doc["error"] or any(c["status"] != "passed" for c in doc["checks"]), doc
        status = altlab(*L, "status", "probe", "--instance", inst)
        if status.returncode != 0:  # stopped or paused, never a traceback; it comes back with the work
            assert "altlab restart probe" in status.stdout, status.stdout + status.stderr
            assert altlab(*L, "resume", "probe", "--instance", inst).returncode == 0
        assert altlab(*L, "status", "probe", "--instance", inst).returncode == 0
    finally:
        subprocess.run(["docker", "unpause", f"{project}-box-1"], capture_output=True)
        altlab(*L, "stop", "probe", "--instance", inst)
    assert leftovers(project) == NOTHING


@pytest.mark.parametrize("then", ["status", "start", "stop"])
def test_a_lost_state_file(then: str) -> None:
    inst = f"lost-{then}"
    project = project_name("probe", inst)
    assert altlab(*L, "start", "probe", "--instance", inst).returncode == 0
    try:
        (Path(os.environ["ALTLAB_HOME"]) / "instances" / project / "state.json").unlink()
        res = altlab(*L, then, "probe", "--instance", inst)
        assert "Traceback" not in res.stderr
        if then == "status":
            assert res.returncode == 1 and "not running" in res.stdout
        else:
            assert res.returncode == 0, res.stderr  # start sweeps the orphan by its label; stop removes it
        if then == "stop":
            assert leftovers(project) == NOTHING
    finally:
        altlab(*L, "stop", "probe", "--instance", inst)
    assert leftovers(project) == NOTHING


def test_a_stop_while_another_process_starts_is_refused_not_raced() -> None:
    inst = "start-vs-stop"
    project = project_name("probe", inst)
    start = subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", *L, "start", "probe", "--instance", inst],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = Path(os.environ["ALTLAB_HOME"]) / "instances" / project / ".lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not lock.exists():
        time.sleep(0.02)
    stop = altlab(*L, "stop", "probe", "--instance", inst)
    start.communicate(timeout=300)
    try:
        if stop.returncode == 2:
            assert "being started by another process" in stop.stderr, stop.stderr
            assert start.returncode == 0
    finally:
        altlab(*L, "stop", "probe", "--instance", inst)
    assert leftovers(project) == NOTHING


def test_a_paused_candidate_is_down_and_restart_candidate_unpauses_only_them(tmp_path: Path) -> None:
    exam = str(Path(__file__).parent / "exams" / "probe-exam.yaml")
    home = {"ALTLAB_HOME": str(tmp_path / "home")}
    try:
        assert altlab(*L, "exam", "start", exam, "--candidates", "pia,quin", env=home).returncode == 0
        os.environ["ALTLAB_HOME"], old = home["ALTLAB_HOME"], os.environ["ALTLAB_HOME"]
        try:
            from pytest_altlab.exams.manifest import candidate_instance

            pia = project_name("probe", candidate_instance("probe-exam", "pia"))
        finally:
            os.environ["ALTLAB_HOME"] = old
        work = altlab(*L, "shell", "probe", "--instance", candidate_instance("probe-exam", "pia"), "--", "sh", "-c",
                      "echo mine > /srv/work", env=home)
        assert work.returncode == 0, work.stderr
        subprocess.run(["docker", "pause", f"{pia}-box-1"], capture_output=True, check=True)
        rows = {r["candidate"]: r for r in json.loads(altlab(*L, "exam", "status", exam, "--json", env=home).stdout)}
        assert rows["pia"]["state"] == "down" and rows["quin"]["state"] == "ready"
        res = altlab(*L, "exam", "restart-candidate", exam, "pia", env=home)
        assert res.returncode == 0 and "pia/probe: started again (volumes kept): box" in res.stdout, res.stderr
        back = altlab(*L, "shell", "probe", "--instance", candidate_instance("probe-exam", "pia"), "--", "cat",
                      "/srv/work", env=home)
        assert back.stdout.strip() == "mine", "the candidate's work survived"
        again = altlab(*L, "exam", "restart-candidate", exam, "pia", env=home)
        assert "pia/probe: was running: untouched" in again.stdout
    finally:
        altlab(*L, "exam", "stop", exam, env=home)
