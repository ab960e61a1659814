"""Answer leaks: a lab's declared answers (lab.yaml `answers:`) rendered for a run, and the drill output that names one.

What a drill candidate sees of a grading, all checked: `altlab grade`'s table (render.py), each check's whole
message and where-to-look line (the report file keeps the message whole; the table cuts it at six lines), and
every hint text (`altlab hint` shows them before anything is found)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .answerspec import PLACEHOLDER, Answer
from .errors import StepFailed

if TYPE_CHECKING:
    from .context import LabContext
    from .manifest import LabManifest

__all__ = ["Leak", "drill_texts", "find_leaks", "leak_summary", "render_answers"]

TABLE_WIDTH = 1000  # wide enough that no wrap splits a value across two lines


@dataclass(frozen=True)
class Leak:
    where: str  # "check test_x: message", "hint 2", "grade table"
    value: str

    def __str__(self) -> str:
        return f"  {self.where} names the answer {self.value!r}"


def render_answers(m: LabManifest, params: dict[str, str], ctx: LabContext | None = None) -> list[str]:
    """The run's answer values. `{from: FILE.py}` answers need the running lab (`ctx`); without one they are
    left out (the no-Docker tests check the declared texts only)."""
    out: list[str] = []
    for a in m.answers:
        if a.source is None:
            out.append(PLACEHOLDER.sub(lambda g: params.get(g.group(1), g.group(0)), a.text))
        elif ctx is not None:
            out += _computed(a, ctx)
    return list(dict.fromkeys(v.strip() for v in out if v.strip()))


def _computed(a: Answer, ctx: LabContext) -> list[str]:
    assert a.source is not None
    from .lab.steps import call_lab_file

    label = f"answers {a.source.name}"
    values = call_lab_file(a.source, "answers", ctx, label)
    if isinstance(values, str) or not all(isinstance(x, (str, int)) for x in values):
        raise StepFailed(label, f"{a.source}: answers(lab) must return a list of strings; it returned {values!r:.120}")
    return [str(x) for x in values]


def drill_texts(m: LabManifest, rep: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, text) of everything a drill candidate reads of this grading, and the lab's hints."""
    from .report import LabReport, render_table
    from .scoring import CheckResult

    checks = [CheckResult(id=c["id"], title=c.get("title", ""), points=c.get("points", 0), status=c["status"],
                          message=c.get("message", ""), phase=c.get("phase", "initial"), look=c.get("look", ""))
              for c in rep.get("checks", [])]
    lab = rep.get("lab", {})
    report = LabReport(lab_id=lab.get("id", m.id), lab_title=lab.get("title", m.title), lab_version=1,
                       instance=str(rep.get("instance", "")), pass_mark=float(rep.get("pass_mark", m.pass_mark)),
                       checks=checks, hints=rep.get("hints", []), error=rep.get("error"))
    out = []
    for c in checks:
        phase = " (after restart)" if c.phase == "after_restart" else ""
        out += [(f"check {c.id}{phase}: title", c.title), (f"check {c.id}{phase}: message", c.message),
                (f"check {c.id}{phase}: look at", c.look)]
    out += [(f"hint {i}" + (f" (for {h.check})" if h.check else ""), h.text) for i, h in enumerate(m.hints, 1)]
    if rep.get("error"):
        out.append(("the report's error", str(rep["error"])))
    out.append(("grade table", render_table(report, color=False, width=TABLE_WIDTH)))
    return out


def _pattern(value: str) -> re.Pattern[str]:
    # Whole values only: the queue 'email.retry' is named in "queue 'email.retry'", not in "email.retry-2".
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(value) + r"(?![A-Za-z0-9_])", re.IGNORECASE)


def find_leaks(texts: Iterable[tuple[str, str]], answers: Iterable[str]) -> list[Leak]:
    """Each (place, answer) where a text names a declared answer. The table repeats the checks' messages:
    it counts only for what no other place showed (a lab title, the totals)."""
    patterns = [(a, _pattern(a)) for a in answers if a]
    leaks: list[Leak] = []
    seen: set[str] = set()
    for where, text in texts:
        for value, pat in patterns:
            if text and pat.search(text):
                if where == "grade table" and value in seen:
                    continue
                seen.add(value)
                leaks.append(Leak(where, value))
    return leaks


def leak_summary(leaks: list[Leak]) -> str:
    return ("drill output names an answer the candidate has not found yet (lab.yaml answers:):\n"
            + "\n".join(str(x) for x in leaks))
