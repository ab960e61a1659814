"""Pure scoring: statuses, points awarded, totals, percent and the pass mark."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["AFTER_RESTART", "PHASES", "STATUSES", "CheckResult", "Mode", "Phase", "Score", "Status", "award", "score",
           "title_from_name"]

# passed / failed (the candidate's state is wrong) / error (the check itself broke) /
# blocked (a check it depends on did not pass) / not_run (needs the restart phase) /
# skipped (does not apply here: counts neither for nor against)
Status = Literal["passed", "failed", "error", "blocked", "not_run", "skipped"]
STATUSES: tuple[Status, ...] = get_args(Status)
# initial: the first pass; after_restart: after the lab's services restarted (--lab-persistence)
Phase = Literal["initial", "after_restart"]
PHASES: tuple[Phase, ...] = get_args(Phase)
AFTER_RESTART: Phase = "after_restart"
# drill: every detail for a learner; exam: the candidate sees the total and visible statuses only
Mode = Literal["drill", "exam"]


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    points: float
    status: Status
    message: str = ""
    phase: Phase = "initial"
    node_id: str = ""
    duration: float = 0.0
    look: str = ""  # where to look (config file, command family, docs topic): never the solution

    @property
    def awarded(self) -> float:
        return award(self.points, self.status)


@dataclass(frozen=True)
class Score:
    score: float
    max_score: float
    percent: float
    pass_mark: float
    passed: bool


def award(points: float, status: str) -> float:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    return points if status == "passed" else 0.0


def score(results: Iterable[CheckResult], pass_mark: float, penalty: float = 0.0) -> Score:
    """Points awarded minus hint penalties (never below 0), out of the points of the checks that apply."""
    rs = [r for r in results if r.status != "skipped"]
    total = max(0.0, sum(r.awarded for r in rs) - penalty)
    maximum = sum(r.points for r in rs)
    percent = round(100.0 * total / maximum, 1) if maximum else 0.0
    return Score(score=total, max_score=maximum, percent=percent, pass_mark=pass_mark,
                 passed=maximum > 0 and percent >= pass_mark)


def title_from_name(name: str, doc: str | None) -> str:
    """A check's title: its docstring's first line, else its name made readable."""
    if doc and doc.strip():
        return doc.strip().splitlines()[0].strip().rstrip(".")
    base = name.split("[", 1)[0].split("@", 1)[0]
    return base.removeprefix("test_").replace("_", " ")
