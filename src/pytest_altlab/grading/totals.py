"""Exam totals: a pure function of the labs' reports and their weights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["ExamTotal", "exam_total", "weighted_total"]


@dataclass(frozen=True)
class ExamTotal:
    percent: float
    pass_mark: float
    passed: bool
    labs_passed: int
    labs: int


def exam_total(labs: Sequence[tuple[float, float, bool]], pass_mark: float) -> ExamTotal:
    """From (lab percent, weight, lab passed) triples: the weighted mean of the lab percentages."""
    total_w = sum(w for _, w, _ in labs) or 1.0
    percent = round(sum(w * p for p, w, _ in labs) / total_w, 1)
    return ExamTotal(percent=percent, pass_mark=pass_mark, passed=percent >= pass_mark,
                     labs_passed=sum(1 for _, _, ok in labs if ok), labs=len(labs))


def weighted_total(labs: list[dict[str, Any]], pass_mark: float) -> dict[str, Any]:
    """The same from lab report dicts (each with `percent`, `weight`, `passed`), as a dict."""
    t = exam_total([(x.get("percent", 0.0), x["weight"], bool(x.get("passed"))) for x in labs], pass_mark)
    return {"percent": t.percent, "pass_mark": t.pass_mark, "passed": t.passed, "labs_passed": t.labs_passed,
            "labs": t.labs}
