"""The `altlab` command: a thin layer over the library that the pytest plugin uses."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AltlabError, LabNotRunning

if TYPE_CHECKING:
    from rich.console import Console

    from .catalog import Catalog
    from .context import LabContext
    from .lab import LabRunner
    from .manifest import LabManifest
    from .proctor import ExamRun

__all__ = ["main"]


def _console() -> Console:  # rich is imported lazily: `altlab start` should not pay for it before it must
    from rich.console import Console

    return Console(highlight=False)


def _err(msg: str) -> None:
    sys.stderr.write(msg + "\n")  # one write per line: lines from parallel workers never interleave
    sys.stderr.flush()


def _catalog(args: argparse.Namespace) -> Catalog:
    from .catalog import Catalog

    return Catalog([Path(d) for d in args.lab_dir])


def _runner(args: argparse.Namespace, echo: Callable[[str], None] | None = None) -> LabRunner:
    from .lab import LabRunner

    return LabRunner(_catalog(args).get(args.lab), args.instance, echo=echo or _err)


def _parse_ports(values: list[str]) -> dict[tuple[str, int], int]:
    out = {}
    for v in values:
        try:
            svc, rest = v.split(":", 1)
            cport, hport = rest.split("=", 1)
            out[(svc, int(cport))] = int(hport)
        except ValueError:
            raise AltlabError(f"--port '{v}' is not valid", hint="use SERVICE:CONTAINER_PORT=HOST_PORT, "
                              "e.g. rabbitmq:15672=15672") from None
    return out


# --- commands ---------------------------------------------------------------------------------------

def cmd_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from .composefile import load_service_file

    labs, broken = _catalog(args).load_all()
    for e in broken:
        _err(f"altlab: skipping an invalid lab: {e}")
    if args.json:
        print(json.dumps([{"id": m.id, "title": m.title, "services": [s.name for s in m.services],
                           "minutes": m.time_limit, "flavours": list(m.flavours),
                           "skills": list(m.skills), "notes": dict(m.flavour_notes)} for m in labs], indent=2))
        return 0
    from .store import Store

    store = Store()
    t = Table(title="labs", show_lines=True)
    for col in ("id", "title", "services", "min", "points", "flavours", "self-test here"):
        t.add_column(col, no_wrap=col == "id")
    notes = []
    for m in labs:
        flav = ", ".join(f + ("*" if m.note_for(f) else "") for f in m.flavours)
        notes += [f"* {m.id} ({f}): {m.note_for(f)}" for f in m.flavours if m.note_for(f)]
        runs = store.last_verify(m.id)
        tested = "\n".join(f"{f}: {'ok' if ok else 'FAILED'} {at[:16]} ({secs:.0f}s)"
                           for f, (ok, at, secs) in sorted(runs.items())) or "never verified"
        t.add_row(m.id, m.title, ", ".join(s.name for s in m.services), str(m.time_limit), _points(m), flav, tested)
    con = _console()
    con.print(t)
    for n in notes:
        con.print(n, markup=False)
    if args.images:
        for m in labs:
            for s in m.services:
                sf = load_service_file(s.use, m.path)
                print(f"{m.id}/{s.name}: " + ", ".join(f"{f}={img}" for f, img in sf.images.items()))
    return 0


def _points(m: LabManifest) -> str:
    import ast

    total = 0.0
    for f in sorted(m.checks_dir.glob("test_*.py")):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "points" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, (int, float)):
                    total += arg.value
    return f"{total:g}"


def cmd_start(args: argparse.Namespace) -> int:
    runner = _runner(args)
    ctx = runner.start(flavour=args.flavour, seed=args.seed, fixed_ports=_parse_ports(args.port),
                       timeout=args.timeout)
    print(ctx.state.task_file.read_text(), flush=True)
    _print_access(ctx)
    return 0


def _print_access(ctx: LabContext) -> None:
    st = ctx.state
    lines = [f"lab {st.lab_id} is running (instance {st.instance}, {st.flavour} flavour)"]
    for s in ctx.backend.ready_status or ctx.backend.status():
        ports = ", ".join(f"{c} -> 127.0.0.1:{h}" for c, h in sorted(s.ports.items()))
        lines.append(f"  {s.service}: {s.state}{' (' + s.health + ')' if s.health else ''}  {ports}")
    inst = "" if st.instance == "default" else f" --instance {st.instance}"
    lines.append(f"shell: altlab shell {st.lab_id}{inst}    grade: altlab grade {st.lab_id}{inst}")
    print("\n".join(lines), flush=True)


def cmd_status(args: argparse.Namespace) -> int:
    from .backends import get_backend

    runner = _runner(args)
    st = runner.state()
    services = get_backend(st.backend, st.project, st.compose_file).status() if st else []
    running = any(s.state == "running" for s in services)
    if args.json:
        secret = {p.name for p in runner.manifest.parameters if p.secret}
        print(json.dumps({
            "lab": runner.manifest.id, "instance": runner.instance, "project": runner.project,
            "running": running, "flavour": st.flavour if st else None,
            "started_at": st.started_at if st else None,
            "services": [{"service": s.service, "state": s.state, "health": s.health,
                          "ports": {str(c): {"host": "127.0.0.1", "port": h} for c, h in s.ports.items()}}
                         for s in services],
            "parameters": {k: ("***" if k in secret and not args.show_secrets else v)
                           for k, v in (st.params if st else {}).items()},
        }, indent=2))
        return 0 if running else 1
    if not running or st is None:
        print(f"lab {runner.manifest.id} (instance {runner.instance}) is not running")
        return 1
    _print_access(runner.context())
    for k, v in st.params.items():
        print(f"  param {k} = {v}")
    return 0


def cmd_task(args: argparse.Namespace) -> int:
    print(_runner(args).task())
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    runner = _runner(args)
    ctx = runner.context()
    deadline = ctx.state.exam.get("deadline")
    if deadline:
        import datetime as dt

        if dt.datetime.now(dt.UTC) > dt.datetime.fromisoformat(deadline):
            raise AltlabError(f"the time limit of exam '{ctx.state.exam['id']}' has passed ({deadline})",
                              hint="changes after the time limit do not count; ask the proctor")
    service = args.service or runner.manifest.services[0].name
    names = [s.name for s in runner.manifest.services]
    if service not in names:
        raise AltlabError(f"lab {runner.manifest.id} has no service '{service}'", hint="services: " + ", ".join(names))
    return ctx.backend.interactive(service, args.cmd or ["bash", "-l"])


def cmd_grade(args: argparse.Namespace) -> int:
    from .grading import grade

    runner = _runner(args)
    runner.running_state()  # a clear "not running" before pytest starts
    report = Path(args.report) if args.report else runner.running_state().dir / "reports" / "last.json"
    code, data, _ = grade(runner.manifest.id, instance=runner.instance, persistence=args.persistence,
                          report=report, lab_dirs=[Path(d) for d in args.lab_dir],
                          rootdir=runner.manifest.checks_dir)
    if not data:
        return 2
    return 0 if data.get("passed") else 1


def cmd_stop(args: argparse.Namespace) -> int:
    left = _runner(args).stop()
    rest = {k: v for k, v in left.items() if v}
    if rest:
        _err(f"left behind: {rest}")
        return 1
    print(f"stopped {args.lab}: containers, networks and volumes removed")
    return 0


def cmd_restart(args: argparse.Namespace) -> int:
    runner = _runner(args)
    ctx = runner.context()
    ctx.restart(args.services or None, timeout=args.timeout)
    _print_access(ctx)
    return 0


def cmd_logs(args: argparse.Namespace) -> int:
    ctx = _runner(args).context()
    print(ctx.backend.logs(args.service, tail=args.tail))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from .verify import print_phases, verify_lab

    cat = _catalog(args)
    labs = cat.all() if args.all else [cat.get(args.lab)] if args.lab else []
    if not labs:
        raise AltlabError("name a lab or use --all")
    from .store import Store

    ok = True
    for m in labs:
        phases = verify_lab(m, flavour=args.flavour, variants=not args.quick, echo=_err,
                            lab_dirs=[Path(d) for d in args.lab_dir])
        print_phases(m.id, phases)
        lab_ok = all(p.ok for p in phases)
        Store().add_verify_run(m.id, args.flavour, lab_ok, sum(p.seconds for p in phases))
        ok = ok and lab_ok
    return 0 if ok else 1


def cmd_workspace(args: argparse.Namespace) -> int:
    runner = _runner(args)
    st = runner.state()  # also when the services are down: the candidate's files are still there
    if st is None:
        raise LabNotRunning(runner.manifest.id, runner.instance)
    if not st.workspace.is_dir():
        raise AltlabError(f"lab '{args.lab}' has no workspace", hint="only some labs hand you files to edit")
    print(st.workspace)
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    ctx = _runner(args).apply_workspace(timeout=args.timeout)
    print(f"applied {ctx.state.workspace / 'compose.override.yaml'}", flush=True)
    _print_access(ctx)
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    ctx, how = _runner(args).reset(timeout=args.timeout)
    print(f"{args.lab} is back in its broken state ({how}); hints and the attempt clock start again", flush=True)
    print(ctx.state.task_file.read_text(), flush=True)
    _print_access(ctx)
    return 0


def _exam_instances(lab_id: str) -> list[str]:
    """Exams running a copy of this lab on this host: no hints or solutions while they last."""
    import datetime as dt

    from .instance import InstanceState
    from .paths import state_home

    out = []
    for f in (state_home() / "instances").glob("*/state.json"):
        st = InstanceState.load(f.parent.name)
        if st and st.lab_id == lab_id and st.exam.get("deadline"):
            if dt.datetime.now(dt.UTC) < dt.datetime.fromisoformat(st.exam["deadline"]) + dt.timedelta(hours=1):
                out.append(st.exam["id"])
    return sorted(set(out))


def cmd_hint(args: argparse.Namespace) -> int:
    from .drills import next_hint
    from .store import Store

    runner = _runner(args)
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
    idx, text, cost, total = next_hint(store, m, st.instance, st.started_at)
    print(f"hint {idx}/{len(m.hints)} (costs {cost:g} points; hints so far: -{total:g}):\n  {text}")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from .drills import flips
    from .grading import grade
    from .report import LabReport, render_table
    from .scoring import CheckResult

    runner = _runner(args)
    runner.running_state()
    con = _console()
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
            from .store import Store

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


def cmd_progress(args: argparse.Namespace) -> int:
    from rich.table import Table

    from .drills import progress, skill_summary
    from .store import Store

    labs, broken = _catalog(args).load_all()
    for e in broken:
        _err(f"altlab: skipping an invalid lab: {e}")
    rows = progress(Store(), labs)
    skills = skill_summary(rows)
    if args.json:
        print(json.dumps({"labs": [r.__dict__ for r in rows], "skills": skills}, indent=2, default=list))
        return 0
    t = Table(title="progress by lab")
    for col in ("lab", "attempts", "best", "passed", "time to pass", "hints", "solution seen early"):
        t.add_column(col)
    for r in rows:
        t.add_row(r.lab, str(r.attempts), "-" if r.best_percent is None else f"{r.best_percent:g}%",
                  "yes" if r.passed else "no", "-" if r.time_to_pass is None else f"{r.time_to_pass / 60:.1f} min",
                  str(r.hints_used), "yes" if r.solution_seen_before_pass else "")
    s = Table(title="by skill (weakest first)")
    for col in ("skill", "labs", "tried", "passed", "avg best", "practise next"):
        s.add_column(col)
    for d in skills:
        s.add_row(d["skill"], str(d["labs"]), str(d["tried"]), str(d["passed"]), f"{d['average_best_percent']:g}%",
                  d["practise_next"])
    con = _console()
    con.print(t)
    con.print(s)
    if skills:
        con.print(f"practise next: [bold]{skills[0]['practise_next']}[/] ({skills[0]['skill']})")
    return 0


def cmd_solution(args: argparse.Namespace) -> int:
    from .store import Store

    runner = _runner(args)
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
    walk = m.path / "SOLUTION.md"
    if walk.is_file():
        print(walk.read_text(encoding="utf-8"))
    for step in m.solution_steps:
        where = "on the host" if step.on_host else f"in service '{step.service}'"
        print(f"--- {step.run.name} (runs {where}) ---\n{step.run.read_text(encoding='utf-8')}")
    return 0


# --- exams (proctor) -----------------------------------------------------------------------------------

def _exam_run(args: argparse.Namespace) -> ExamRun:
    from .exam import find_exam
    from .proctor import ExamRun

    cat = _catalog(args)
    if not getattr(args, "exam", None):
        raise AltlabError("name the exam", hint="--exam EXAM (or --key-file for verify-report)")
    return ExamRun(find_exam(args.exam, cat), cat)


def _candidates(args: argparse.Namespace, run: ExamRun) -> list[str]:
    names = [c for part in (args.candidates or []) for c in part.split(",") if c]
    if getattr(args, "candidates_file", None):
        names += [ln.strip() for ln in Path(args.candidates_file).read_text().splitlines() if ln.strip()]
    if getattr(args, "all", False) or not names:
        names = sorted(run.require().get("candidates", {}))
    if not names:
        raise AltlabError("no candidates given", hint="--candidates alice,bob or --candidates-file FILE")
    return names


def cmd_exam_list(args: argparse.Namespace) -> int:
    from .exam import exam_ids, find_exam

    for eid in exam_ids():
        e = find_exam(eid)
        labs = ", ".join(f"{x.lab} (x{x.weight:g})" for x in e.labs)
        print(f"{e.id}: {e.title}; {e.time_limit:g} min, pass mark {e.pass_mark:g}%; labs: {labs}")
    return 0


def cmd_exam_start(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .proctor import start_candidates

    run = _exam_run(args)
    names = [c for part in args.candidates for c in part.split(",") if c]
    if args.candidates_file:
        names += [ln.strip() for ln in Path(args.candidates_file).read_text().splitlines() if ln.strip()]
    if not names:
        raise AltlabError("no candidates given", hint="--candidates alice,bob or --candidates-file FILE")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_console()) as bar:
        task = bar.add_task(f"starting {len(names)} candidate(s)", total=len(names))

        def progress(c: str, what: str) -> None:
            bar.console.print(f"[{c}] {what}", highlight=False, markup=False)
            if what == "ready" or what.startswith("failed"):
                bar.advance(task)

        result = start_candidates(run, names, seed=args.seed, parallel=args.parallel, minutes=args.minutes,
                                  flavour=args.flavour, timeout=args.timeout, progress=progress)
    failed = {c: r for c, r in result.items() if r != "ready"}
    data = run.require()
    print(f"exam {run.exam.id}: {len(result) - len(failed)} ready, {len(failed)} failed; deadline {data['deadline']}")
    if args.proctor:
        log = run.dir / "proctor.log"
        with open(log, "a") as out:
            subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", *(_lab_dir_args(args)), "exam", "proctor",
                              args.exam], stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True)
        print(f"proctor started: grades everyone at the deadline (log: {log})")
    return 1 if failed else 0


def _lab_dir_args(args: argparse.Namespace) -> list[str]:
    return [a for d in args.lab_dir for a in ("--lab-dir", d)]


def cmd_exam_status(args: argparse.Namespace) -> int:
    from rich.table import Table

    from .proctor import candidate_status

    run = _exam_run(args)
    rows = candidate_status(run)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    t = Table(title=f"exam {run.exam.id}")
    for col in ("candidate", "state", *[x.lab for x in run.exam.labs], "time left", "score", "attempts"):
        t.add_column(col)
    for r in rows:
        left = r["seconds_left"]
        t.add_row(r["candidate"], r["state"], *[r["labs"][x.lab] for x in run.exam.labs],
                  f"{left // 60}:{left % 60:02d}", "-" if r["score"] is None else f"{r['score']:g}%",
                  str(r["attempts"]))
    _console().print(t)
    return 0


def cmd_exam_sheet(args: argparse.Namespace) -> int:
    run = _exam_run(args)
    data = run.require()
    if args.candidate not in data.get("candidates", {}):
        raise AltlabError(f"no candidate '{args.candidate}' in exam '{run.exam.id}'")
    left = max(0, int(run.seconds_left()))
    print(f"# {run.exam.title}\ncandidate: {args.candidate}; time left: {left // 60} min; "
          f"pass mark {run.exam.pass_mark:g}%\n")
    lab_dirs = " ".join(_lab_dir_args(args))
    for r in run.runners(args.candidate):
        st = r.running_state()
        print(f"## {r.manifest.title} ({r.manifest.id})\n")
        print(st.task_file.read_text(encoding="utf-8").replace(f"altlab shell {r.manifest.id}",
              f"altlab shell {r.manifest.id} --instance {r.instance}"))
        print(f"shell: altlab {lab_dirs + ' ' if lab_dirs else ''}shell {r.manifest.id} --instance {r.instance}\n")
    return 0


def cmd_exam_grade(args: argparse.Namespace) -> int:
    from .proctor import grade_candidates

    run = _exam_run(args)
    names = _candidates(args, run)
    result = grade_candidates(run, names, final=args.final, parallel=args.parallel,
                              progress=lambda c, s: _err(f"[{c}] {s}"))
    for c, doc in sorted(result.items()):
        if isinstance(doc, dict):
            late = " (after the time limit: does not replace the result in time)" if doc.get("after_deadline") else ""
            print(f"{c}: {doc['percent']:g}% {'PASSED' if doc['passed'] else 'NOT PASSED'} "
                  f"(attempt {doc['attempt']}){late}")
        else:
            print(f"{c}: grading failed: {doc}")
    print(f"room: {run.dir / 'room.html'} and {run.dir / 'room.csv'}")
    return 0 if all(isinstance(d, dict) for d in result.values()) else 1


def cmd_exam_proctor(args: argparse.Namespace) -> int:
    from .proctor import proctor_loop

    run = _exam_run(args)
    _err(f"proctoring {run.exam.id}: grading everyone at {run.require()['deadline']}")
    proctor_loop(run, parallel=args.parallel, progress=lambda c, s: _err(f"[{c}] {s}"))
    _err("final grading done")
    return 0


def cmd_exam_stop(args: argparse.Namespace) -> int:
    from .proctor import stop_candidates

    run = _exam_run(args)
    stop_candidates(run, _candidates(args, run))
    print("stopped")
    return 0


def cmd_exam_restart(args: argparse.Namespace) -> int:
    from .proctor import restart_candidate

    run = _exam_run(args)
    restart_candidate(run, args.candidate)
    print(f"{args.candidate}: environment started again (same parameters)")
    return 0


def cmd_exam_verify_report(args: argparse.Namespace) -> int:
    from .proctor import verify_report

    if args.key_file:
        key = Path(args.key_file).read_bytes()
    else:
        key = _exam_run(args).key()
    problems = verify_report(Path(args.report), key)
    if problems:
        for p in problems:
            print(f"TAMPERED: {p}")
        return 1
    print(f"OK: {args.report} is exactly as signed")
    return 0


def cmd_images(args: argparse.Namespace) -> int:
    from .composefile import load_service_file
    from .images import build_base, build_service
    from .paths import compose_dir

    names = args.services or sorted(p.stem for p in compose_dir().glob("*.yaml"))
    for name in names:
        sf = load_service_file(name)
        if "debian" in sf.images:
            print(build_service(sf, echo=_err, force=args.force))
        else:
            _err(f"{name}: no debian flavour (upstream image {sf.images.get('upstream')}); skipped")
    if args.base:
        for suite in args.base:
            print(build_base(suite, echo=_err, force=args.force))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="altlab", description="Start, grade and self-test hands-on labs.")
    p.add_argument("--lab-dir", action="append", default=[], help="a folder of your own labs (repeatable)")
    sub = p.add_subparsers(dest="command", required=True)

    def lab_cmd(name: str, help: str, fn: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help)
        sp.add_argument("lab", help="lab id (see `altlab list`)")
        sp.add_argument("--instance", default="default", help="run several copies of a lab side by side")
        sp.set_defaults(fn=fn)
        return sp

    sp = sub.add_parser("list", help="the labs: id, title, services, minutes, points, flavours, self-test")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--images", action="store_true", help="also the image of each service per flavour")
    sp.set_defaults(fn=cmd_list)
    sp = lab_cmd("start", "start a lab: containers up, broken state applied, task shown", cmd_start)
    sp.add_argument("--flavour", default=os.environ.get("ALTLAB_FLAVOUR", "debian"), choices=["debian", "upstream"])
    sp.add_argument("--seed", help="derive per-candidate parameter values from this seed")
    sp.add_argument("--port", action="append", default=[], metavar="SVC:PORT=HOSTPORT",
                    help="publish a container port on a fixed 127.0.0.1 port (default: a free one)")
    sp.add_argument("--timeout", type=float, default=180, help="seconds to wait for healthy services")
    sp = lab_cmd("status", "is the lab running; services, ports, parameters", cmd_status)
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--show-secrets", action="store_true", help="include secret parameter values in --json")
    lab_cmd("task", "show the task statement of a running lab", cmd_task)
    sp = lab_cmd("shell", "a shell in a lab service; `-- CMD ARGS...` runs one command", cmd_shell)
    sp.add_argument("service", nargs="?", help="service name (default: the lab's first service)")
    sp = lab_cmd("grade", "grade the running lab (same as `pytest --lab LAB`)", cmd_grade)
    sp.add_argument("--persistence", action="store_true", help="also restart the services and re-check")
    sp.add_argument("--report", help="where to write the JSON report")
    lab_cmd("stop", "remove the lab's containers, networks and volumes", cmd_stop)
    sp = lab_cmd("restart", "restart the lab's services in place (config files take effect)", cmd_restart)
    sp.add_argument("services", nargs="*")
    sp.add_argument("--timeout", type=float, default=180)
    sp = lab_cmd("logs", "recent logs of the lab's services", cmd_logs)
    sp.add_argument("service", nargs="?")
    sp.add_argument("--tail", type=int, default=100)
    lab_cmd("workspace", "print the folder of files you edit for this lab (some labs)", cmd_workspace)
    sp = lab_cmd("apply", "apply your workspace/compose.override.yaml to the running lab", cmd_apply)
    sp.add_argument("--timeout", type=float, default=180)
    sp = lab_cmd("reset", "put the lab back into its broken state (in place where the lab can, else afresh)",
                 cmd_reset)
    sp.add_argument("--timeout", type=float, default=180)
    sp = lab_cmd("hint", "show the next hint (each costs the points the lab declares)", cmd_hint)
    sp.add_argument("--list", action="store_true", help="show the hints already used in this run")
    sp = lab_cmd("watch", "re-grade on Enter (or every N seconds) and show checks flipping", cmd_watch)
    sp.add_argument("--every", type=float, help="re-grade every SECONDS instead of waiting for Enter")
    sp.add_argument("--times", type=int, help="stop after this many gradings")
    sp = sub.add_parser("progress", help="attempts, best score, time, hints per lab; what to practise next")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(fn=cmd_progress)
    sp = lab_cmd("solution", "the reference solution with explanations (after passing, or --give-up)",
                 cmd_solution)
    sp.add_argument("--give-up", action="store_true", help="show it before passing (recorded in progress)")
    sp = sub.add_parser("verify", help="a lab's self-test: broken scores 0, solution full, survives restart")
    sp.add_argument("lab", nargs="?")
    sp.add_argument("--all", action="store_true", help="every lab")
    sp.add_argument("--quick", action="store_true", help="skip the near-miss and alternative-route variants")
    sp.add_argument("--flavour", default=os.environ.get("ALTLAB_FLAVOUR", "debian"), choices=["debian", "upstream"])
    sp.set_defaults(fn=cmd_verify)
    ex = sub.add_parser("exam", help="proctored exams: many candidates, signed reports")
    esub = ex.add_subparsers(dest="exam_command", required=True)
    e = esub.add_parser("list", help="the exams")
    e.set_defaults(fn=cmd_exam_list)
    e = esub.add_parser("start", help="start every candidate's labs (in parallel)")
    e.add_argument("exam")
    e.add_argument("--candidates", action="append", default=[], help="comma-separated candidate ids")
    e.add_argument("--candidates-file", help="one candidate id per line")
    e.add_argument("--seed", help="exam seed (default: random); candidates' parameters derive from it")
    e.add_argument("--parallel", type=int, default=6)
    e.add_argument("--minutes", type=float, help="override the exam's time limit")
    e.add_argument("--flavour", default=os.environ.get("ALTLAB_FLAVOUR", "debian"), choices=["debian", "upstream"])
    e.add_argument("--timeout", type=float, default=300)
    e.add_argument("--proctor", action="store_true", help="grade everyone automatically at the deadline")
    e.set_defaults(fn=cmd_exam_start)
    e = esub.add_parser("status", help="candidates: state, labs, time left, score")
    e.add_argument("exam")
    e.add_argument("--json", action="store_true")
    e.set_defaults(fn=cmd_exam_status)
    e = esub.add_parser("sheet", help="a candidate's task sheet and how to get a shell")
    e.add_argument("exam")
    e.add_argument("candidate")
    e.set_defaults(fn=cmd_exam_sheet)
    e = esub.add_parser("grade", help="grade candidates (with the restart phase) into signed bundles")
    e.add_argument("exam")
    e.add_argument("--candidates", action="append", default=[])
    e.add_argument("--all", action="store_true")
    e.add_argument("--final", action="store_true", help="this is the grading at the time limit")
    # Grading is CPU-bound (pytest start, Erlang CLIs): one more grader than cores measured fastest.
    e.add_argument("--parallel", type=int, default=(os.cpu_count() or 2) + 1)
    e.set_defaults(fn=cmd_exam_grade)
    e = esub.add_parser("proctor", help="wait for the time limit, then grade everyone (final)")
    e.add_argument("exam")
    e.add_argument("--parallel", type=int, default=(os.cpu_count() or 2) + 1)
    e.set_defaults(fn=cmd_exam_proctor)
    e = esub.add_parser("stop", help="stop candidates' environments (all by default)")
    e.add_argument("exam")
    e.add_argument("--candidates", action="append", default=[])
    e.add_argument("--all", action="store_true")
    e.set_defaults(fn=cmd_exam_stop)
    e = esub.add_parser("restart-candidate", help="start a candidate's environment again, touching no one else")
    e.add_argument("exam")
    e.add_argument("candidate")
    e.set_defaults(fn=cmd_exam_restart)
    e = esub.add_parser("verify-report", help="detect any edit to a signed report bundle")
    e.add_argument("report", help="a bundle folder or its report.json")
    e.add_argument("--exam", help="take the key from this exam's run on this host")
    e.add_argument("--key-file", help="the exam's key file")
    e.set_defaults(fn=cmd_exam_verify_report)
    sp = sub.add_parser("images", help="build images ahead of time; save / load them for a host with no registry")
    isub = sp.add_subparsers(dest="images_command", required=True)
    bp = isub.add_parser("build", help="build the debian-flavour images (and their debootstrap bases)")
    bp.add_argument("services", nargs="*", help="compose service files (default: all)")
    bp.add_argument("--base", action="append", choices=["trixie", "bookworm"], help="also build this base image")
    bp.add_argument("--force", action="store_true", help="rebuild even if present")
    bp.set_defaults(fn=cmd_images)
    from .images_transfer import add_transfer_commands  # images save / load

    add_transfer_commands(isub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `altlab shell LAB [SERVICE] -- CMD ...`: everything after `--` is the command, verbatim.
    cmd: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, cmd = argv[:i], argv[i + 1:]
    args = build_parser().parse_args(argv)
    if args.command == "shell":
        args.cmd = cmd
    try:
        return int(args.fn(args))
    except AltlabError as e:
        _err(f"altlab: error: {e}")
        return e.exit_code
    except KeyboardInterrupt:
        _err("altlab: interrupted; cleaned up")
        return 130
    except BrokenPipeError:  # `altlab ... | head`: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
