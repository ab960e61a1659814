"""Scoring: pure functions."""

from __future__ import annotations

import pytest

from pytest_altlab.scoring import CheckResult, award, score, title_from_name


def r(points: float, status: str) -> CheckResult:
    return CheckResult(id="c", title="c", points=points, status=status)


def test_only_passed_checks_award_points() -> None:
    assert [award(3, s) for s in ("passed", "failed", "error", "blocked", "not_run")] == [3, 0, 0, 0, 0]
    with pytest.raises(ValueError):
        award(1, "maybe")


def test_skipped_checks_count_neither_way_but_not_run_counts_against() -> None:
    s = score([r(2, "passed"), r(2, "skipped"), r(2, "not_run")], pass_mark=50)
    assert (s.score, s.max_score, s.percent, s.passed) == (2, 4, 50.0, True)


def test_pass_mark_boundary_and_empty_lab() -> None:
    assert score([r(7, "passed"), r(3, "failed")], 70).passed
    assert not score([r(69, "passed"), r(31, "failed")], 70).passed
    assert not score([], 0).passed, "a lab with no gradeable checks never passes"


def test_titles() -> None:
    assert title_from_name("test_vhost_exists", None) == "vhost exists"
    assert title_from_name("test_x@restart", "The vhost exists.\nmore") == "The vhost exists"
