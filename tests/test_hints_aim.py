"""A hint declared for a check comes first while that check fails; costs read "1 point", "1.5 points"."""

from __future__ import annotations

import dataclasses

from pytest_altlab.catalog import Catalog
from pytest_altlab.drills import next_hint
from pytest_altlab.manifest import Hint
from pytest_altlab.store import Store

from .conftest import TEST_LABS


def test_a_hint_for_a_failing_check_comes_first_then_the_rest_in_order() -> None:
    m = Catalog([TEST_LABS]).get("probe")
    m = dataclasses.replace(m, hints=(Hint("general", 1), Hint("about the port", 1, check="test_port"),
                                      Hint("about the file", 2, check="test_answer_file")))
    store = Store()
    run = "2026-01-01T00:00:00+00:00"
    first = next_hint(store, m, "aim", run, frozenset({"test_answer_file"}))
    assert first[:3] == (3, "about the file", 2)
    assert next_hint(store, m, "aim", run, frozenset({"test_answer_file"}))[0] == 1  # the rest in order
    assert next_hint(store, m, "aim", run)[0] == 2


def test_cost_wording() -> None:
    from pytest_altlab.cli.drill import _points

    assert _points(1, "costs") == "costs 1 point"
    assert _points(1.5, "costs") == "costs 1.5 points"
    assert _points(0, "costs") == "costs 0 points"


def test_attempts_count_changes_and_time_to_pass_runs_from_the_first_start(tmp_path) -> None:
    from pytest_altlab.drills import progress

    store = Store(tmp_path / "p.sqlite3")
    m = Catalog([TEST_LABS]).get("probe")
    run1, run2 = "2026-01-01T10:00:00.000+00:00", "2026-01-01T10:30:00.000+00:00"

    def graded(run: str, at: str, percent: float) -> None:
        store.add_attempt("probe", "default", run, {"finished_at": at, "score": percent, "max_score": 100,
                                                    "percent": percent, "passed": percent >= 50}, m.skills)

    graded(run1, "2026-01-01T10:05:00+00:00", 0)
    graded(run1, "2026-01-01T10:05:05+00:00", 0)   # the same state graded again: not an attempt
    graded(run1, "2026-01-01T10:06:00+00:00", 40)
    graded(run2, "2026-01-01T10:31:00+00:00", 40)  # after a reset: a new run's first grading counts
    graded(run2, "2026-01-01T10:40:00+00:00", 100)
    row = next(r for r in progress(store, [m]) if r.lab == "probe")
    assert row.attempts == 4 and row.passed and row.best_percent == 100
    assert row.time_to_pass == 40 * 60  # from the first start, not from the reset


def test_untried_skills_come_after_failing_ones_and_begun_skills_before_untouched() -> None:
    from pytest_altlab.drills import LabProgress, skill_summary

    rows = [LabProgress("a1", "", ("alpha",), 0, None, False, None, 0, False),
            LabProgress("l1", "", ("linux",), 3, 100.0, True, 60, 0, False),
            LabProgress("l2", "", ("linux",), 0, None, False, None, 0, False),
            LabProgress("z1", "", ("zeta",), 2, 30.0, False, None, 0, False)]
    order = [(d["skill"], d["practise_next"]) for d in skill_summary(rows)]
    assert order == [("zeta", "z1"), ("linux", "l2"), ("alpha", "a1")]


def test_lint_flags_a_hint_that_repeats_the_task_or_names_no_check() -> None:
    from pytest_altlab.lint.hints import hint_findings

    task = "1. Purge the queue webhooks.retry in the vhost altcraft. Do not delete it.\n"
    data = {"hints": [{"text": "Purge the queue webhooks.retry in the vhost altcraft", "cost": 1},
                      {"text": "`list_queues -p VHOST name messages` shows the depth", "check": "test_purged"},
                      {"text": "Compare `policy` and `effective_policy_definition`", "check": "test_nope"}]}
    found = {(w, m) for w, _, m, _, _ in hint_findings(data, task, ["test_purged"])}
    assert found == {("hints[0].text", "repeats the task"), ("hints[2].check", "names no check of this lab")}
