"""The terminal view of a lab's grading: passed checks one line each, a compact block per failed check."""

from __future__ import annotations

import textwrap
from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import LabReport
    from .scoring import CheckResult

__all__ = ["check_lines", "render_checks", "verdict_line"]

_STYLE = {"passed": "green", "failed": "red", "error": "magenta", "blocked": "yellow",
          "not_run": "cyan", "skipped": "dim"}
_STATUS_W = 7  # the longest status word: blocked, not_run, skipped
_MAX_DETAIL_LINES = 6  # a failure's block stays short; the JSON report keeps the whole message


def _n(x: float) -> str:
    return f"{x:g}"


def _esc(s: str) -> str:
    from rich.markup import escape

    return escape(s)


def check_lines(c: CheckResult, *, width: int, points_w: int, details: bool) -> list[str]:
    """Rich-markup lines for one check, none wider than `width` once the markup is rendered."""
    pts = f"{_n(c.awarded)}/{_n(c.points)}".rjust(points_w)
    lead = f"{c.status:<{_STATUS_W}} {pts}  "
    indent = " " * len(lead)
    avail = max(20, width - len(lead))
    title = c.title + (" (after restart)" if c.phase == "after_restart" else "")
    wrapped = textwrap.wrap(title, avail) or [""]
    out = [f"[{_STYLE[c.status]}]{c.status:<{_STATUS_W}}[/] {pts}  {_esc(wrapped[0])}"]
    out += [indent + _esc(w) for w in wrapped[1:]]
    if not details or c.status == "passed":
        return out
    body: list[str] = []
    for para in (c.message or "").splitlines():
        body += textwrap.wrap(para, avail - 2, subsequent_indent="  ") or []
    if len(body) > _MAX_DETAIL_LINES:
        last = body[_MAX_DETAIL_LINES - 1]
        pad = " " * (len(last) - len(last.lstrip()))
        last = pad + textwrap.shorten(last, avail - len(pad) - 4, placeholder="") + " ..."
        body = body[:_MAX_DETAIL_LINES - 1] + [last]
    out += [indent + _esc(b) for b in body]
    if c.look and c.status == "failed":  # a blocked check points at the check it waits for instead
        for w in textwrap.wrap(f"look at: {c.look}", avail, subsequent_indent="  "):
            out.append(indent + f"[dim]{_esc(w)}[/]")
    return out


def verdict_line(report: LabReport) -> str:
    s = report.score
    pending = [c for c in report.checks if c.status == "not_run"]
    if s.passed and pending:
        verdict = "[yellow]PASSED, provisionally[/]"
    else:
        verdict = "[green]PASSED[/]" if s.passed else "[red]NOT PASSED[/]"
    return f"score {_n(s.score)}/{_n(s.max_score)} ({s.percent:g}%), pass mark {s.pass_mark:g}%: {verdict}"


def render_checks(report: LabReport, *, width: int, details: bool = True,
                  hidden: Collection[str] = ()) -> list[str]:
    """The whole view as rich-markup lines: title, one row (or block) per check, hints, score, what is pending."""
    width = max(40, width)
    shown = [c for c in report.checks if c.id not in hidden]
    points_w = max([len(f"{_n(c.awarded)}/{_n(c.points)}") for c in shown] or [3])
    lines = [f"[bold]{_esc(textwrap.shorten(f'{report.lab_id}: {report.lab_title}', width))}[/]"]
    for c in shown:
        lines += check_lines(c, width=width, points_w=points_w, details=details)
    n_hidden = len(report.checks) - len(shown)
    if n_hidden:
        lines.append(f"[dim]+ {n_hidden} check(s) graded by the proctor only; the score counts them[/]")
    if report.hints:
        used = ", ".join(f"#{h['index']} (-{_n(h['cost'])})" for h in report.hints)
        lines.append(f"hints used: {used}: -{_n(report.hint_penalty)} points")
    lines.append(verdict_line(report))
    pending = [c for c in report.checks if c.status == "not_run"]
    if pending:
        what = ("the grade is provisional until the restart phase ran" if report.score.passed
                else f"{len(pending)} check(s) not graded yet: they need the restart phase")
        lines += textwrap.wrap(f"{what}: `altlab grade --persistence` (pytest: --lab-persistence)", width)
    if report.error:
        lines += textwrap.wrap(f"error: {report.error}", width)
    return lines
