"""One report model, rendered as JSON (versioned schema) and as a terminal table."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .grading.totals import ExamTotal, exam_total
from .scoring import CheckResult, Mode, Score, score

__all__ = ["SCHEMA_VERSION", "ExamReport", "LabReport", "now", "render_table", "write_json", "write_json_doc"]

SCHEMA_VERSION = 1


@dataclass
class LabReport:
    lab_id: str
    lab_title: str
    lab_version: int
    instance: str
    pass_mark: float
    flavour: str = ""
    servers: dict[str, dict[str, str]] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)  # secrets already redacted
    checks: list[CheckResult] = field(default_factory=list)
    started_at: str = ""
    finished_at: str = ""
    persistence_ran: bool = False
    error: str | None = None  # the run could not grade at all (e.g. lab not running)
    hints: list[dict[str, Any]] = field(default_factory=list)  # the hint ledger: index, cost, shown_at
    mode: Mode = "drill"  # exam: hidden checks and details left out of the candidate view
    hidden: list[str] = field(default_factory=list)  # check ids shown only to the proctor (exams)
    evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # node id -> raw observations

    @property
    def score(self) -> Score:
        return score(self.checks, self.pass_mark, self.hint_penalty)

    @property
    def hint_penalty(self) -> float:
        return float(sum(h["cost"] for h in self.hints))

    def to_dict(self) -> dict[str, Any]:
        s = self.score
        return {
            "schema_version": SCHEMA_VERSION,
            "lab": {"id": self.lab_id, "title": self.lab_title, "version": self.lab_version},
            "instance": self.instance,
            "score": s.score,
            "max_score": s.max_score,
            "percent": s.percent,
            "pass_mark": s.pass_mark,
            "passed": s.passed,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "flavour": self.flavour,
            "servers": self.servers,
            "parameters": self.parameters,
            "persistence": {"ran": self.persistence_ran},
            "error": self.error,
            "mode": self.mode,
            "hints": self.hints,
            "hint_penalty": self.hint_penalty,
            "hidden_checks": self.hidden,
            "checks": [
                {"id": c.id, "title": c.title, "phase": c.phase, "points": c.points, "awarded": c.awarded,
                 "status": c.status, "message": c.message, "look": c.look, "node_id": c.node_id,
                 "duration_s": round(c.duration, 3), "evidence": self.evidence.get(c.node_id, [])}
                for c in self.checks
            ],
        }


@dataclass
class ExamReport:
    """One candidate's grading of an exam: each lab's report with its weight, and the weighted total."""

    exam_id: str
    exam_title: str
    exam_version: int
    pass_mark: float
    candidate: str
    labs: list[tuple[LabReport, float]]  # (report, weight)
    started_at: str = ""
    finished_at: str = ""
    error: str | None = None

    @property
    def total(self) -> ExamTotal:
        return exam_total([(r.score.percent, w, r.score.passed) for r, w in self.labs], self.pass_mark)

    def to_dict(self) -> dict[str, Any]:
        t = self.total
        return {"schema_version": SCHEMA_VERSION, "kind": "exam",
                "exam": {"id": self.exam_id, "title": self.exam_title, "version": self.exam_version},
                "candidate": self.candidate, "started_at": self.started_at, "finished_at": self.finished_at,
                "percent": t.percent, "pass_mark": t.pass_mark, "passed": t.passed, "error": self.error,
                "labs": [{**r.to_dict(), "weight": w} for r, w in self.labs]}

    def write(self, path: Path) -> None:
        write_json_doc(self.to_dict(), path)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def write_json(report: LabReport, path: Path) -> None:
    write_json_doc(report.to_dict(), path)


def write_json_doc(doc: dict[str, Any], path: Path) -> None:
    """Atomic write: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def render_table(report: LabReport, *, color: bool, width: int = 100, show_messages: bool = True,
                 hidden: Collection[str] = ()) -> str:
    """The terminal summary (render.py): one line per passed check, a short block per failed one, the total."""
    from io import StringIO

    from rich.console import Console

    from .render import render_checks

    buf = StringIO()
    con = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False)
    for line in render_checks(report, width=width, details=show_messages, hidden=hidden):
        con.print(line, overflow="fold", crop=False)
    return buf.getvalue()
