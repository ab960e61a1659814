"""Self-study: the next hint, progress per lab and per skill, and what changed between two gradings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .errors import AltlabError
from .manifest import LabManifest
from .store import Attempt, Store

__all__ = ["next_hint", "LabProgress", "progress", "skill_summary", "flips"]


def next_hint(store: Store, m: LabManifest, instance: str, run: str,
              failing: frozenset[str] = frozenset()) -> tuple[int, str, float, float]:
    """Show-and-record the next hint: (its 1-based index, text, cost, total penalty so far).

    The next one in the lab's order, except that a hint declared `check: NAME` for a check in `failing`
    (the last grading's failed or blocked checks) comes first: the hint helps where the learner is stuck."""
    used = store.hints_used(m.id, instance, run)
    if not m.hints:
        raise AltlabError(f"lab '{m.id}' has no hints")
    if len(used) >= len(m.hints):
        raise AltlabError(f"no more hints: all {len(m.hints)} of lab '{m.id}' are shown",
                          hint=f"see them again with `altlab hint {m.id} --list`")
    seen = {u.idx for u in used}
    left = [i for i in range(1, len(m.hints) + 1) if i not in seen]
    aimed = [i for i in left if m.hints[i - 1].check and m.hints[i - 1].check in failing]
    idx = (aimed or left)[0]
    h = m.hints[idx - 1]
    store.record_hint(m.id, instance, run, idx, h.cost)
    return idx, h.text, h.cost, sum(u.cost for u in used) + h.cost


@dataclass(frozen=True)
class LabProgress:
    lab: str
    title: str
    skills: tuple[str, ...]
    attempts: int
    best_percent: float | None
    passed: bool
    time_to_pass: float | None  # seconds from the passing run's start to its first passing grade
    hints_used: int
    solution_seen_before_pass: bool


def _seconds(a: str, b: str) -> float:
    return (dt.datetime.fromisoformat(b) - dt.datetime.fromisoformat(a)).total_seconds()


def real_attempts(atts: list[Attempt]) -> list[Attempt]:
    """The gradings that count as attempts: the first of each run (a start or a reset), then each one whose
    score differs from the run's previous grading. Re-grading an unchanged lab (`watch`, a script in a loop,
    Enter pressed twice) is not another attempt."""
    last: dict[tuple[str, str], tuple[float, bool]] = {}
    out = []
    for a in atts:
        key, sig = (a.instance, a.run), (a.percent, a.passed)
        if last.get(key) != sig:
            out.append(a)
        last[key] = sig
    return out


def progress(store: Store, labs: list[LabManifest]) -> list[LabProgress]:
    out = []
    for m in labs:
        atts = real_attempts(store.attempts(m.id))
        runs = {(a.instance, a.run) for a in atts}
        hints = sum(len(store.hints_used(m.id, inst, run)) for inst, run in runs)
        first_pass = next((a for a in atts if a.passed), None)
        # From the first start of the lab (the earliest run graded), not from the last reset.
        first_start = min((a.run for a in atts), default=None)
        out.append(LabProgress(
            lab=m.id, title=m.title, skills=m.skills, attempts=len(atts),
            best_percent=max((a.percent for a in atts), default=None), passed=first_pass is not None,
            time_to_pass=_seconds(first_start, first_pass.graded_at) if first_pass and first_start else None,
            hints_used=hints, solution_seen_before_pass=any(b for _, b in store.solution_views(m.id)),
        ))
    return out


def skill_summary(rows: list[LabProgress]) -> list[dict[str, Any]]:
    """Per skill: labs, tried, passed, the average best % of the labs tried (untried labs are not averaged in;
    None when none was tried), and the lab to practise next. Weakest first: skills with a tried lab not yet
    passed (lowest average first), then skills with labs never tried (begun skills first, then those with
    the most labs), then skills with every lab passed.
    The lab to practise: of the labs not passed, the one with the fewest attempts (then the lowest best)."""
    skills: dict[str, list[LabProgress]] = {}
    for r in rows:
        for s in r.skills or ("general",):
            skills.setdefault(s, []).append(r)
    out: list[dict[str, Any]] = []
    for s, rs in skills.items():
        tried = [r for r in rs if r.attempts]
        avg = round(sum(r.best_percent or 0 for r in tried) / len(tried), 1) if tried else None
        open_ = sorted((r for r in rs if not r.passed), key=lambda r: (r.attempts, r.best_percent or 0, r.lab))
        nxt = (open_ or sorted(rs, key=lambda r: (r.best_percent or 0, r.lab)))[0].lab
        tier = 0 if any(not r.passed for r in tried) else 1 if open_ else 2
        out.append({"skill": s, "labs": len(rs), "tried": len(tried), "passed": sum(r.passed for r in rs),
                    "average_best_percent": avg, "practise_next": nxt,
                    # within a tier: skills begun before untouched ones, the weaker first, the bigger first
                    "_key": (tier, 0 if tried else 1, avg or 0.0, -len(rs), s)})
    out.sort(key=lambda d: d["_key"])
    for d in out:
        del d["_key"]
    return out


def flips(before: dict[str, Any] | None, after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Checks whose status changed between two reports: (title, old status, new status)."""
    if not before:
        return []
    old = {(c["id"], c["phase"]): c["status"] for c in before.get("checks", [])}
    out = []
    for c in after.get("checks", []):
        prev = old.get((c["id"], c["phase"]))
        if prev is not None and prev != c["status"]:
            title = c["title"] + (" (after restart)" if c["phase"] == "after_restart" else "")
            out.append((title, prev, c["status"]))
    return out
