"""Flaky checks across repeated gradings: the pure analysis, and `altlab verify --runs` on the probe lab."""

from __future__ import annotations

import pytest

from pytest_altlab.flakes import analyse, verdict

from .conftest import TEST_LABS, altlab


def rep(*checks: tuple[str, str, float], phase: str = "initial") -> dict:
    return {"checks": [{"id": cid, "phase": phase, "status": st, "duration_s": d} for cid, st, d in checks]}


def test_a_steady_check_has_no_flips_and_keeps_its_slowest_duration() -> None:
    rows = analyse({"solved": [rep(("test_a", "passed", 0.2)), rep(("test_a", "passed", 1.5)),
                               rep(("test_a", "passed", 0.4))]})
    assert len(rows) == 1
    r = rows[0]
    assert (r.state, r.check, r.runs, r.flips, r.flake_rate, r.slowest_s, r.flaky) == (
        "solved", "test_a", 3, 0, 0.0, 1.5, False)
    ok, outcome, _ = verdict(rows)
    assert ok and outcome == "no check flipped in 3 runs; slowest test_a 1.50s"


def test_a_check_that_flips_is_flaky_with_its_rate() -> None:
    runs = [rep(("test_a", s, 0.1), ("test_b", "failed", 0.1)) for s in ("passed", "failed", "passed", "passed")]
    rows = {r.check: r for r in analyse({"solved": runs})}
    assert rows["test_a"].statuses == ("passed", "failed", "passed", "passed")
    assert rows["test_a"].flips == 2 and rows["test_a"].flake_rate == pytest.approx(2 / 3)
    assert not rows["test_b"].flaky
    ok, outcome, detail = verdict(list(rows.values()))
    assert not ok and outcome == "1 flaky: test_a"
    assert "test_a [initial] grading the solved state: passed -> failed -> passed -> passed (flake rate 67%)" in detail


def test_states_and_phases_are_judged_apart() -> None:
    # broken fails and solved passes by design: that is no flip; a check's restart re-run is its own row.
    rows = analyse({"broken": [rep(("test_a", "failed", 0.1))] * 2,
                    "solved": [{"checks": rep(("test_a", "passed", 0.1))["checks"]
                                + rep(("test_a", "passed", 0.3), phase="after_restart")["checks"]}] * 2})
    assert sorted((r.state, r.phase, r.flips) for r in rows) == [
        ("broken", "initial", 0), ("solved", "after_restart", 0), ("solved", "initial", 0)]
    assert verdict(rows)[0]


def test_a_check_missing_from_one_run_counts_as_a_flip() -> None:
    rows = analyse({"broken": [rep(("test_a", "failed", 0.1)), {}, rep(("test_a", "failed", 0.1))]})
    assert rows[0].statuses == ("failed", "missing", "failed") and rows[0].flips == 2


def test_one_run_has_nothing_to_compare() -> None:
    rows = analyse({"solved": [rep(("test_a", "passed", 0.1))]})
    assert rows[0].flake_rate == 0.0 and not rows[0].flaky


def test_unknown_variant_is_one_line_with_a_suggestion() -> None:
    res = altlab("--lab-dir", str(TEST_LABS), "verify", "probe", "--variant", "wrong-answr")
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        "altlab: error: lab 'probe' has no variant 'wrong-answr'",
        "  hint: did you mean wrong-answer? variants: wrong-answer, from-host"]


@pytest.mark.docker
def test_verify_runs_twice_reports_flakes_and_one_variant_runs_alone() -> None:
    res = altlab("--lab-dir", str(TEST_LABS), "verify", "probe", "--runs", "2", "--quick", timeout=900,
                 env={"COLUMNS": "200"})
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    out = res.stdout
    assert "checks across repeated gradings" in out and "flakes over 2 runs" in out
    assert "no check flipped in 2 runs" in out and "(2/2 runs as expected)" in out
    assert out.count("test_answer_file") >= 3  # broken, solved, solved after restart
    assert "lab verified" in out
    res = altlab("--lab-dir", str(TEST_LABS), "verify", "probe", "--variant", "wrong-answer", timeout=600,
                 env={"COLUMNS": "200"})
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "near-miss: wrong-answer" in res.stdout
    assert "grade broken" not in res.stdout and "from-host" not in res.stdout
