"""Flaky checks: which checks change status when one unchanged state is graded again (`altlab verify --runs N`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CheckFlakes", "analyse", "flake_table", "verdict"]

MISSING = "missing"  # the check is absent from a run's report (grading broke, or collection changed)


@dataclass(frozen=True)
class CheckFlakes:
    state: str  # which state was graded again and again: "broken", "solved"
    check: str
    phase: str  # initial | after_restart
    statuses: tuple[str, ...]  # one per run, in order
    flips: int  # how often the status changed from one run to the next
    slowest_s: float

    @property
    def runs(self) -> int:
        return len(self.statuses)

    @property
    def flake_rate(self) -> float:
        """Share of run-to-run transitions in which the status changed: 0 for a steady check, 1 for one that
        alternates every time."""
        return self.flips / (self.runs - 1) if self.runs > 1 else 0.0

    @property
    def flaky(self) -> bool:
        return self.flips > 0


def analyse(gradings: dict[str, list[dict[str, Any]]]) -> list[CheckFlakes]:
    """`gradings`: state -> the JSON reports (schema_version 1) of its repeated gradings, in run order.

    A grade of the same state must give every check the same status each time; the state does not change
    between runs (checks only read), so any change is the check's own doing: a race, a timeout, a cache."""
    out: list[CheckFlakes] = []
    for state, reports in gradings.items():
        keys: dict[tuple[str, str], None] = {}
        per_run: list[dict[tuple[str, str], dict[str, Any]]] = []
        for rep in reports:
            rows = {(str(c["id"]), str(c.get("phase", "initial"))): c for c in rep.get("checks", [])}
            keys.update(dict.fromkeys(rows))
            per_run.append(rows)
        for key in keys:
            cells = [run.get(key) for run in per_run]
            statuses = tuple(str(c["status"]) if c else MISSING for c in cells)
            flips = sum(a != b for a, b in zip(statuses, statuses[1:], strict=False))
            slowest = max((float(c.get("duration_s", 0.0)) for c in cells if c), default=0.0)
            out.append(CheckFlakes(state, key[0], key[1], statuses, flips, slowest))
    return out


def verdict(rows: list[CheckFlakes]) -> tuple[bool, str, str]:
    """(ok, outcome, detail) for verify's phase table: ok when no check flipped."""
    flaky = [r for r in rows if r.flaky]
    runs = max((r.runs for r in rows), default=0)
    if not flaky:
        slowest = max(rows, key=lambda r: r.slowest_s, default=None)
        tail = f"; slowest {slowest.check} {slowest.slowest_s:.2f}s" if slowest else ""
        return True, f"no check flipped in {runs} runs{tail}", ""
    names = sorted({r.check for r in flaky})
    detail = "\n".join(f"  {r.check} [{r.phase}] grading the {r.state} state: {' -> '.join(r.statuses)} "
                       f"(flake rate {r.flake_rate:.0%})" for r in flaky)
    return False, f"{len(names)} flaky: {', '.join(names)}", detail


def flake_table(rows: list[CheckFlakes]) -> Any:
    """A rich Table: per check and state, the statuses seen, the flake rate and the slowest run."""
    from rich.table import Table

    t = Table(title="checks across repeated gradings", title_justify="left")
    for col in ("check", "phase", "state", "statuses", "flips", "flake rate", "slowest s"):
        t.add_column(col)
    for r in sorted(rows, key=lambda r: (not r.flaky, r.state, r.check, r.phase)):
        seen = ", ".join(f"{s} x{r.statuses.count(s)}" for s in dict.fromkeys(r.statuses))
        rate = f"[red]{r.flake_rate:.0%}[/]" if r.flaky else "0%"
        t.add_row(r.check, r.phase, r.state, seen, str(r.flips), rate, f"{r.slowest_s:.2f}")
    return t
