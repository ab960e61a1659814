"""`altlab verify`: a lab's self-test. Broken scores 0, the solution scores full and survives a restart,
near-misses lose points, alternative routes score full, and nothing is left behind."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import AltlabError
from .grading import grade
from .lab import LabRunner, run_step
from .lab.snapshot import has_snapshot
from .manifest import LabManifest, Variant

__all__ = ["VERIFY_INSTANCE", "Phase", "print_phases", "verify_lab"]

VERIFY_INSTANCE = "verify"  # never collides with a candidate's default instance
Echo = Callable[[str], None]


@dataclass
class Phase:
    name: str
    expectation: str
    outcome: str
    ok: bool
    seconds: float
    detail: str = ""


def _score(rep: dict[str, Any]) -> str:
    return f"{rep.get('score', 0):g}/{rep.get('max_score', 0):g}" if rep else "no report"


def _failed_checks(rep: dict[str, Any]) -> str:
    return "\n".join(f"  {c['id']} [{c['phase']}]: {c['status']} {c['message'][:200]}"
                     for c in rep.get("checks", []) if c["status"] not in ("passed",))


def verify_lab(m: LabManifest, *, flavour: str = "debian", variants: bool = True, echo: Echo = print,
               lab_dirs: list[Path] | None = None, runs: int = 1, only_variant: str | None = None,
               gradings: dict[str, list[dict[str, Any]]] | None = None) -> list[Phase]:
    """`runs`: grade the broken and the solved state that often (a check that flips is flaky; the reports land
    in `gradings`, state -> reports). `only_variant`: run just that variant, nothing else."""
    phases: list[Phase] = []
    gradings = {} if gradings is None else gradings
    runner = LabRunner(m, VERIFY_INSTANCE, echo=echo)

    def phase(name: str, expectation: str, fn: Callable[[], tuple[bool, str, str]]) -> bool:
        t0 = time.perf_counter()
        try:
            ok, outcome, detail = fn()
        except AltlabError as e:
            ok, outcome, detail = False, "error", str(e)
        phases.append(Phase(name, expectation, outcome, ok, time.perf_counter() - t0, detail))
        echo(f"verify {m.id}: {name}: {'ok' if ok else 'FAILED'} ({outcome})")
        return ok

    def run_grade(persistence: bool) -> dict[str, Any]:
        _, rep, out = grade(m.id, instance=VERIFY_INSTANCE, persistence=persistence, quiet=True, record=False,
                           lab_dirs=lab_dirs, rootdir=m.checks_dir)
        return rep

    def start() -> tuple[bool, str, str]:
        runner.stop()  # a leftover verify instance from an interrupted run
        runner.start(flavour=flavour)
        return True, "started, break step applied", ""

    def repeated(state: str, persistence: bool, judge: Callable[[dict[str, Any]], tuple[bool, str, str]]
                 ) -> Callable[[], tuple[bool, str, str]]:
        def each() -> tuple[bool, str, str]:
            results = []
            for _ in range(max(1, runs)):
                rep = run_grade(persistence)
                gradings.setdefault(state, []).append(rep)
                results.append(judge(rep))
            bad = [r for r in results if not r[0]]
            ok, outcome, detail = (bad or results)[0]
            if runs > 1:
                outcome += f" ({len(results) - len(bad)}/{len(results)} runs as expected)"
            return ok, outcome, detail
        return each

    def broken_one(rep: dict[str, Any]) -> tuple[bool, str, str]:
        bad = [c for c in rep.get("checks", []) if c["status"] not in ("failed", "blocked", "not_run")]
        ok = bool(rep) and rep["score"] == 0 and not bad
        return ok, f"score {_score(rep)}", "" if ok else _failed_checks(rep) or "checks passed or errored"

    def solve() -> tuple[bool, str, str]:
        ctx = runner.context()
        runner.apply_steps(ctx, m.solution_steps, "solution")
        return True, "applied", ""

    def solved_one(rep: dict[str, Any]) -> tuple[bool, str, str]:
        # A lab with restart checks must have run its restart phase; a lab without has none to run.
        needs_restart = any(c["phase"] == "after_restart" for c in rep.get("checks", []))
        ok = bool(rep) and rep["score"] == rep["max_score"] > 0 and (rep["persistence"]["ran"] or not needs_restart)
        return ok, f"score {_score(rep)} incl. after restart", "" if ok else _failed_checks(rep)

    def stop() -> tuple[bool, str, str]:
        left = {k: v for k, v in runner.stop().items() if v}
        return not left, "nothing left" if not left else f"left behind: {left}", ""

    if only_variant is not None:
        chosen = [v for v in m.variants if v.id == only_variant]
        if not chosen:
            import difflib

            ids = [v.id for v in m.variants]
            close = difflib.get_close_matches(only_variant, ids, n=1)
            raise AltlabError(f"lab '{m.id}' has no variant '{only_variant}'",
                              hint=(f"did you mean {close[0]}? " if close else "") + "variants: " + ", ".join(ids))
        _verify_variant(m, chosen[0], runner, flavour, phase, run_grade)
        return phases
    # The variants start from the snapshot of the broken state the first start took (restored in seconds,
    # graded like a fresh start: tests/test_snapshot.py) instead of a start each; stop then comes last.
    keep = False
    try:
        if phase("start", "services healthy, broken state applied", start):
            if phase("grade broken", "score 0; every check failed or blocked", repeated("broken", False, broken_one)) \
                    and m.answers:
                phase("no answer named", "drill output of the broken state names no declared answer",
                      lambda: _no_answer_named(m, runner, gradings.get("broken", [])))
            if phase("solution", "reference solution applies", solve):
                phase("grade solved + restart", "full marks, persistent checks pass after restart",
                      repeated("solved", True, solved_one))
            st = runner.state()
            keep = bool(variants and m.variants and st and has_snapshot(st))
            if keep and gradings.get("broken"):
                # A snapshot holds files and volumes, not processes or memory (clients a break step started,
                # metrics pushed into a server): the variants may start from it only where it grades as fresh.
                keep = phase("restored = fresh", "the snapshot of the broken state grades as the fresh one did",
                             lambda: _restored_like_fresh(runner, run_grade, gradings["broken"][0]))
    finally:
        if not keep:
            phase("stop", "no containers, networks or volumes left", stop)
    if runs > 1 and gradings:
        from .flakes import analyse, verdict

        phase(f"flakes over {runs} runs", "no check changes status between runs", lambda: verdict(analyse(gradings)))
    if variants:
        try:
            for v in m.variants:
                _verify_variant(m, v, runner, flavour, phase, run_grade, from_snapshot=keep)
        finally:
            if keep:
                phase("stop", "no containers, networks or volumes left", stop)
    return phases


def _restored_like_fresh(runner: LabRunner, run_grade: Callable[[bool], dict[str, Any]],
                         fresh: dict[str, Any]) -> tuple[bool, str, str]:
    runner.reset()
    restored = run_grade(False)

    def seen(rep: dict[str, Any]) -> dict[str, tuple[str, str]]:
        return {c["id"]: (c["status"], c.get("message", "")) for c in rep.get("checks", [])}

    a, b = seen(fresh), seen(restored)
    differ = [cid for cid in a if a[cid] != b.get(cid)]
    if not differ:
        return True, "same statuses and messages", ""
    rows = []
    for cid in differ[:5]:
        status, message = b.get(cid, ("missing", ""))
        rows.append(f"{cid}: fresh {a[cid][0]} / restored {status} ({(message or '')[:160]})")
    return False, f"{len(differ)} check(s) differ", "; ".join(rows) + (
        " - set `snapshot: false` in lab.yaml where the broken state lives in processes or memory")


def _no_answer_named(m: LabManifest, runner: LabRunner, reports: list[dict[str, Any]]) -> tuple[bool, str, str]:
    """Nothing is found in the broken state: no table, message, look line or hint may name an answer (leaks.py)."""
    from .leaks import drill_texts, find_leaks, leak_summary, render_answers

    ctx = runner.context()
    answers = render_answers(m, ctx.params.as_dict(), ctx)
    leaks = [x for rep in reports for x in find_leaks(drill_texts(m, rep), answers)]
    leaks = list(dict.fromkeys(leaks))
    if leaks:
        return False, f"{len(leaks)} leak(s)", leak_summary(leaks)
    return True, f"none of {len(answers)} answer(s) named", ""


def _verify_variant(m: LabManifest, v: Variant, runner: LabRunner, flavour: str, phase: Any, run_grade: Any,
                    from_snapshot: bool = False) -> None:
    def body() -> tuple[bool, str, str]:
        left: dict[str, list[str]] = {}
        try:
            ctx = runner.reset()[0] if from_snapshot else runner.start(flavour=flavour)
            for step in v.steps:
                run_step(ctx, step, f"variant {v.id}")
            rep = run_grade(v.persistence)
        finally:
            if not from_snapshot:
                left = {k: x for k, x in runner.stop().items() if x}
        if left:
            return False, f"left behind: {left}", ""
        if v.kind == "alternative":
            ok = bool(rep) and rep["score"] == rep["max_score"]
            return ok, f"score {_score(rep)}", "" if ok else _failed_checks(rep)
        # A named check must lose in some phase: a persistent check failing before the restart counts.
        rows: dict[str, list[str]] = {}
        for c in rep.get("checks", []):
            rows.setdefault(c["id"], []).append(c["status"])
        wrongly = [c for c in v.must_fail if rows.get(c) and all(s == "passed" for s in rows[c])]
        ok = bool(rep) and not wrongly and rep["score"] < rep["max_score"]
        return ok, f"score {_score(rep)}", "" if ok else f"these checks should have failed: {wrongly}"

    expectation = "full marks" if v.kind == "alternative" else "loses points on " + ", ".join(v.must_fail)
    phase(f"{v.kind}: {v.id}", expectation, body)


def print_phases(lab_id: str, phases: list[Phase]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"verify {lab_id}", title_justify="left")
    for col in ("phase", "expectation", "outcome", "result", "seconds"):
        t.add_column(col)
    for p in phases:
        t.add_row(p.name, p.expectation, p.outcome, "[green]ok[/]" if p.ok else "[red]FAILED[/]", f"{p.seconds:.1f}")
    con = Console(highlight=False)
    con.print(t)
    for p in phases:
        if not p.ok and p.detail:
            con.print(f"[red]{p.name}[/]:\n{p.detail}")
    total = sum(p.seconds for p in phases)
    verdict = "[green]lab verified[/]" if all(p.ok for p in phases) else "[red]lab NOT verified[/]"
    con.print(f"{verdict} in {total:.1f}s")
