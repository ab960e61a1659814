"""Self-study commands: hints, watch, solution (progress: progress.py)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..errors import AltlabError
from .options import lab_runner
from .output import console


def _exam_instances(lab_id: str) -> list[str]:
    """Exams running a copy of this lab on this host: no hints or solutions while they last."""
    import datetime as dt

    from ..instance import InstanceState
    from ..paths import state_home

    out = []
    for f in (state_home() / "instances").glob("*/state.json"):
        st = InstanceState.load(f.parent.name)
        if st and st.lab_id == lab_id and st.exam.get("deadline"):
            if dt.datetime.now(dt.UTC) < dt.datetime.fromisoformat(st.exam["deadline"]) + dt.timedelta(hours=1):
                out.append(st.exam["id"])
    return sorted(set(out))


def cmd_hint(args: argparse.Namespace) -> int:
    from ..drills import next_hint
    from ..store import Store

    runner = lab_runner(args)
    st = runner.running_state()
    if st.exam:
        raise AltlabError(f"no hints in an exam ('{st.exam['id']}')", hint="hints are for self-study drills")
    store = Store()
    m = runner.manifest
    if args.list:
        used = store.hints_used(m.id, st.instance, st.started_at)
        if not used:
            print("no hints used yet in this run")
        for u in used:
            print(f"hint {u.idx}/{len(m.hints)} (-{u.cost:g} points, shown {u.shown_at}): {m.hints[u.idx - 1].text}")
        return 0
    failing: frozenset[str] = frozenset()
    last = st.dir / "reports" / "last.json"  # the last `altlab grade` of this run, if any
    if last.is_file():
        doc = json.loads(last.read_text(encoding="utf-8"))
        if doc.get("started_at", "") >= st.started_at:
            failing = frozenset(c["id"] for c in doc.get("checks", []) if c.get("status") in ("failed", "blocked"))
    idx, text, cost, total = next_hint(store, m, st.instance, st.started_at, failing)
    aim = m.hints[idx - 1].check
    print(f"hint {idx}/{len(m.hints)} ({_points(cost, 'costs')}; hints so far: -{total:g})"
          f"{' for the failing check ' + aim if aim and aim in failing else ''}:\n  {text}")
    return 0


def _points(n: float, verb: str) -> str:
    return f"{verb} {n:g} point{'' if n == 1 else 's'}"


def cmd_watch(args: argparse.Namespace) -> int:
    from ..drills import flips
    from ..grading import grade
    from ..report import LabReport, render_table
    from ..scoring import CheckResult

    runner = lab_runner(args)
    if runner.running_state().exam:  # its table shows details; an exam's candidate gets `altlab grade` only
        raise AltlabError(f"no watch on instance '{runner.instance}' of an exam",
                          hint=f"`altlab grade {runner.manifest.id} --instance {runner.instance}` shows your score")
    con = console()
    interactive = args.every is None
    if interactive and not sys.stdin.isatty():
        raise AltlabError("watch needs a terminal to wait for Enter", hint="use --every SECONDS")
    before: dict | None = None
    n = 0
    while True:
        n += 1
        _, rep, _ = grade(runner.manifest.id, instance=runner.instance, quiet=True, record=False,
                          lab_dirs=[Path(d) for d in args.lab_dir], rootdir=runner.manifest.checks_dir)
        if not rep:
            raise AltlabError("grading produced no report")
        changed = flips(before, rep)
        if before is None:
            report = LabReport(lab_id=rep["lab"]["id"], lab_title=rep["lab"]["title"], lab_version=1,
                               instance=runner.instance, pass_mark=rep["pass_mark"], hints=rep.get("hints", []))
            report.checks = [CheckResult(id=c["id"], title=c["title"], points=c["points"], status=c["status"],
                                         message=c["message"], phase=c["phase"], look=c.get("look", ""))
                             for c in rep["checks"]]
            con.print(render_table(report, color=con.is_terminal, width=con.width), end="")
        for title, old, new in changed:
            mark = "[green]now passing[/]" if new == "passed" else f"[red]now {new}[/]"
            con.print(f"{mark}: {title} (was {old})")
        if before is not None and not changed:
            con.print("[dim]no change[/]")
        if before is None or changed:
            from ..store import Store

            Store().add_attempt(runner.manifest.id, runner.instance, runner.running_state().started_at, rep,
                                runner.manifest.skills)
        con.print(f"[bold]score {rep['score']:g}/{rep['max_score']:g} ({rep['percent']:g}%)[/] "
                  f"{'PASSED' if rep['passed'] else 'not passed yet'}")
        before = rep
        if args.times and n >= args.times:
            return 0 if rep["passed"] else 1
        if interactive:
            answer = input("Enter: grade again, q: quit > ").strip().lower()
            if answer == "q":
                return 0 if rep["passed"] else 1
        else:
            time.sleep(args.every)


def cmd_solution(args: argparse.Namespace) -> int:
    from ..store import Store

    runner = lab_runner(args)
    m = runner.manifest
    exams = _exam_instances(m.id)
    if exams:  # a reference solution is never shown while an exam uses the lab on this host
        raise AltlabError(f"the solution of '{m.id}' is not shown while exam {', '.join(exams)} uses it here",
                          hint="ask the proctor; it can be viewed after the exam")
    store = Store()
    passed = store.has_passed(m.id)
    if not passed and not args.give_up:
        raise AltlabError(f"lab '{m.id}' is not passed yet, so its solution stays hidden",
                          hint=f"keep going (`altlab hint {m.id}`), or `altlab solution {m.id} --give-up` to see it "
                               "now: that is recorded in your progress")
    st = runner.state()
    store.record_solution_view(m.id, runner.instance, st.started_at if st else None, before_pass=not passed)
    from .markdown import print_markdown

    walk = m.path / "SOLUTION.md"
    # The walk-through with this run's values: {{ name }} as in TASK.md (secrets too: the learner's own run).
    values = dict(st.params) if st else {p.name: str(p.default) for p in m.parameters if p.default is not None}
    if walk.is_file():
        print_markdown(_expand(walk.read_text(encoding="utf-8"), values))
    if not st:
        print("(not running: the values shown are the lab's defaults)")
    for step in m.solution_steps:
        where = "on the host" if step.on_host else f"in service '{step.service}'"
        print(f"--- {step.run.name} (runs {where}; its parameters come as environment variables) ---\n"
              f"{step.run.read_text(encoding='utf-8')}")
    return 0


def _expand(text: str, values: dict[str, str]) -> str:
    from ..lab.steps import PLACEHOLDER

    return PLACEHOLDER.sub(lambda mt: values.get(mt.group(1), mt.group(0)), text)
