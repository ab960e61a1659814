"""Self-study drills on the real probe lab: hints and their ledger, reset, watch, progress, solution."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.drills import flips, skill_summary
from pytest_altlab.lab import LabRunner
from pytest_altlab.store import Store

from .conftest import TEST_LABS, altlab

ARGS = ("--lab-dir", str(TEST_LABS))


@pytest.fixture
def home(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A fresh ALTLAB_HOME, so progress and hints start empty."""
    # No snapshots here: these tests cover reset's fallbacks (reset steps, a fresh start); test_snapshot.py the rest.
    env = {"ALTLAB_HOME": str(tmp_path / "home"), "ALTLAB_SNAPSHOT": "0"}
    yield env


@pytest.fixture
def probe(home: dict[str, str]) -> Iterator[str]:
    inst = "drills"
    res = altlab(*ARGS, "start", "probe", "--instance", inst, env=home)
    assert res.returncode == 0, res.stderr
    yield inst
    altlab(*ARGS, "stop", "probe", "--instance", inst, env=home)


def solve(home: dict[str, str], inst: str) -> None:
    res = altlab(*ARGS, "shell", "probe", "--instance", inst, "--", "sh", "-c", "echo 42 > /srv/answer", env=home)
    assert res.returncode == 0, res.stderr


def grade_json(home: dict[str, str], inst: str, tmp_path: Path) -> dict:
    out = tmp_path / "report.json"
    altlab(*ARGS, "grade", "probe", "--instance", inst, "--report", str(out), env=home)
    return json.loads(out.read_text())


@pytest.mark.docker
def test_hints_are_shown_in_order_cost_points_and_appear_in_the_report(home, probe, tmp_path) -> None:
    first = altlab(*ARGS, "hint", "probe", "--instance", probe, env=home)
    assert first.returncode == 0 and "hint 1/2 (costs 1 point;" in first.stdout and "Look in /srv." in first.stdout
    second = altlab(*ARGS, "hint", "probe", "--instance", probe, env=home)
    assert "hint 2/2" in second.stdout and "hints so far: -2.5" in second.stdout
    third = altlab(*ARGS, "hint", "probe", "--instance", probe, env=home)
    assert third.returncode == 2 and "no more hints" in third.stderr
    solve(home, probe)
    rep = grade_json(home, probe, tmp_path)
    assert [h["index"] for h in rep["hints"]] == [1, 2] and rep["hint_penalty"] == 2.5
    # 4 of 5 points earned (the restart check is not run without --persistence), minus 2.5 for hints
    assert rep["score"] == 1.5 and rep["max_score"] == 5


@pytest.mark.docker
def test_failed_checks_teach_where_to_look(home, probe, tmp_path) -> None:
    rep = grade_json(home, probe, tmp_path)
    check = next(c for c in rep["checks"] if c["id"] == "test_answer_file")
    assert check["message"] == "expected /srv/answer to hold '42'; found '0'"
    assert check["look"] == "the file /srv/answer in the box"
    res = altlab(*ARGS, "grade", "probe", "--instance", probe, env={**home, "COLUMNS": "200"})
    assert "look at: the file /srv/answer in the box" in res.stdout


@pytest.mark.docker
def test_reset_in_place_restores_the_broken_state_and_starts_a_new_run(home, probe, tmp_path) -> None:
    altlab(*ARGS, "hint", "probe", "--instance", probe, env=home)
    solve(home, probe)
    assert grade_json(home, probe, tmp_path)["checks"][0]["status"] == "passed"
    res = altlab(*ARGS, "reset", "probe", "--instance", probe, env=home)
    assert res.returncode == 0 and "reset in place" in res.stdout, res.stderr
    rep = grade_json(home, probe, tmp_path)
    assert rep["score"] == 0 and rep["checks"][0]["status"] == "failed"
    assert rep["hints"] == [], "a reset starts a new run: the hint ledger is empty again"


@pytest.mark.docker
def test_reset_without_reset_steps_is_a_fresh_start_with_the_same_parameters(home, tmp_path) -> None:
    import shutil

    labs = tmp_path / "labs"
    shutil.copytree(TEST_LABS / "probe", labs / "probe")
    text = (labs / "probe" / "lab.yaml").read_text().replace("reset: reset.sh", "")
    (labs / "probe" / "lab.yaml").write_text(text)
    args = ("--lab-dir", str(labs))
    try:
        assert altlab(*args, "start", "probe", "--instance", "fresh", "--seed", "s1", env=home).returncode == 0
        before = json.loads(altlab(*args, "status", "probe", "--instance", "fresh", "--json", env=home).stdout)
        res = altlab(*args, "reset", "probe", "--instance", "fresh", env=home)
        assert res.returncode == 0 and "fresh start" in res.stdout, res.stderr
        after = json.loads(altlab(*args, "status", "probe", "--instance", "fresh", "--json", env=home).stdout)
        assert after["parameters"] == before["parameters"] and after["running"]
        assert after["started_at"] != before["started_at"]
    finally:
        altlab(*args, "stop", "probe", "--instance", "fresh", env=home)


@pytest.mark.docker
def test_watch_shows_checks_flipping(home, probe) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", *ARGS, "watch", "probe", "--instance", probe,
                             "--every", "1", "--times", "3"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **home})
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # wait for the first grading, then fix the lab while watch keeps going
        seen.append(line)
        if line.startswith("score "):
            solve(home, probe)
            break
    out = "".join(seen) + proc.communicate(timeout=120)[0]
    assert "now passing: /srv/answer holds the answer (was failed)" in out
    assert "now passing: depends on answer (was blocked)" in out
    assert "score 4/5 (80%) PASSED" in out


@pytest.mark.docker
def test_progress_and_solution_gate(home, probe, tmp_path) -> None:
    early = altlab(*ARGS, "solution", "probe", "--instance", probe, env=home)
    assert early.returncode == 2 and "--give-up" in early.stderr and "echo 42" not in early.stdout
    grade_json(home, probe, tmp_path)                      # attempt 1: 0%
    solve(home, probe)
    grade_json(home, probe, tmp_path)                      # attempt 2: passed
    prog = json.loads(altlab(*ARGS, "progress", "--json", env=home).stdout)
    row = next(r for r in prog["labs"] if r["lab"] == "probe")
    assert row["attempts"] == 2 and row["passed"] and row["best_percent"] == 80.0
    assert row["time_to_pass"] is not None and row["time_to_pass"] >= 0
    assert not row["solution_seen_before_pass"]
    shown = altlab(*ARGS, "solution", "probe", "--instance", probe, env=home)
    assert shown.returncode == 0 and "Walk-through" in shown.stdout and "solution.sh" in shown.stdout
    table = altlab(*ARGS, "progress", env=home)
    assert "by skill" in table.stdout and "practise next: " in table.stdout


def test_give_up_is_recorded(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.record_solution_view("probe", "default", None, before_pass=True)
    assert store.solution_views("probe")[0][1] is True


def test_flips_and_skill_summary_logic() -> None:
    a = {"checks": [{"id": "x", "phase": "initial", "status": "failed", "title": "X"}]}
    b = {"checks": [{"id": "x", "phase": "initial", "status": "passed", "title": "X"}]}
    assert flips(None, b) == [] and flips(a, b) == [("X", "failed", "passed")] and flips(b, b) == []
    from pytest_altlab.drills import LabProgress

    rows = [LabProgress("r1", "", ("rabbitmq",), 2, 100.0, True, 60, 0, False),
            LabProgress("p1", "", ("postgres",), 1, 40.0, False, None, 1, False),
            LabProgress("p2", "", ("postgres",), 0, None, False, None, 0, False)]
    summary = skill_summary(rows)
    # postgres: a tried lab not passed (its average counts p1 only); next the lab with the fewest attempts
    assert summary[0]["skill"] == "postgres" and summary[0]["practise_next"] == "p2"
    assert summary[0]["average_best_percent"] == 40.0
    assert summary[1] == {"skill": "rabbitmq", "labs": 1, "tried": 1, "passed": 1, "average_best_percent": 100.0,
                          "practise_next": "r1"}


def test_a_hint_needs_a_running_lab(home) -> None:
    res = altlab(*ARGS, "hint", "probe", "--instance", "nope", env=home)
    assert res.returncode == 2 and "not running" in res.stderr


def test_catalog_probe_has_ordered_hints() -> None:
    m = Catalog([TEST_LABS]).get("probe")
    assert [h.cost for h in m.hints] == [1, 1.5] and m.reset_steps
    assert isinstance(LabRunner(m).project, str)
