"""The terminal view of a grading: one line per passed check, a short block per failure, an honest verdict."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from pytest_altlab.report import LabReport, render_table
from pytest_altlab.scoring import CheckResult

LONG = ("expected a policy in the vhost of the piled-up queue whose pattern matches that queue and that caps it "
        "(max-length <= 10000, or message-ttl <= 3600000 ms plus a dead-letter-exchange); matching policies "
        "found: policy 'platform-defaults' (it sets neither max-length <= 10000 nor message-ttl <= 3600000 ms "
        "with a dead-letter-exchange)") * 3


def _report(*checks: CheckResult) -> LabReport:
    return LabReport(lab_id="lab", lab_title="A lab", lab_version=1, instance="default", pass_mark=50,
                     checks=list(checks))


def test_two_failures_stay_short_and_fit_80_columns() -> None:
    rep = _report(*(CheckResult(f"ok{i}", f"passing check number {i}", 5, "passed") for i in range(6)),
                  CheckResult("f1", "A policy that caps the queue exists", 20, "failed", message=LONG,
                              look="`rabbitmqctl list_policies -p VHOST`"),
                  CheckResult("f2", "The queue was purged", 20, "failed", message=LONG))
    lines = render_table(rep, color=False, width=80).splitlines()
    assert all(cell_len(ln) <= 80 for ln in lines), max(lines, key=cell_len)
    # 1 title + 6 passed lines + 2 x (1 title + at most 6 detail lines) + 1 look + 1 score
    assert len(lines) <= 1 + 6 + 2 * 7 + 1 + 1, "\n".join(lines)
    assert sum("passed" in ln for ln in lines) == 6
    assert any(ln.rstrip().endswith("...") for ln in lines)  # the rest is in the JSON report


def test_a_pass_before_the_restart_phase_is_provisional() -> None:
    rep = _report(CheckResult("a", "the answer", 4, "passed"),
                  CheckResult("r", "survives restart", 1, "not_run", phase="after_restart"))
    out = render_table(rep, color=False, width=80)
    assert "PASSED, provisionally" in out
    assert "the grade is provisional until the restart phase ran" in " ".join(out.split())
    done = _report(CheckResult("a", "the answer", 4, "passed"),
                   CheckResult("r", "survives restart", 1, "passed", phase="after_restart"))
    out = render_table(done, color=False, width=80)
    assert "provisional" not in out and "PASSED" in out


def test_every_shipped_task_as_start_prints_it_fits_80_columns(capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # `altlab start` and `reset` end with the task: rendered as `altlab task` renders it, never the raw file
    # (TASK.md is hard-wrapped near 100 columns: raw, an 80-column terminal breaks its lines mid-word).
    from pytest_altlab.catalog import Catalog
    from pytest_altlab.cli.markdown import print_markdown

    monkeypatch.setenv("COLUMNS", "80")
    labs = Catalog().all()
    raw_too_wide = []
    for m in labs:
        raw = (m.path / "TASK.md").read_text(encoding="utf-8")
        print_markdown(raw)
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) >= 3 and all(cell_len(ln) <= 80 for ln in lines), (m.id, max(lines, key=cell_len))
        raw_too_wide += [m.id] if any(cell_len(ln) > 80 for ln in raw.splitlines()) else []
    assert len(labs) >= 20 and raw_too_wide  # printed as is, these would break mid-word at 80 columns
