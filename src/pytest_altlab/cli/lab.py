"""Commands for working in a lab: list, start, status, task, shell, grade, stop, restart, logs, apply, reset."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AltlabError, LabNotRunning
from .options import lab_catalog, lab_runner, parse_ports
from .output import console, err, print_access

if TYPE_CHECKING:
    from ..manifest import LabManifest


def cmd_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from ..composefile import load_service_file

    labs, broken = lab_catalog(args).load_all()
    for e in broken:
        err(f"altlab: skipping an invalid lab: {e}")
    if args.json:
        print(json.dumps([{"id": m.id, "title": m.title, "services": [s.name for s in m.services],
                           "minutes": m.time_limit, "flavours": list(m.flavours),
                           "skills": list(m.skills), "notes": dict(m.flavour_notes)} for m in labs], indent=2))
        return 0
    from ..store import Store

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
    con = console()
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
    runner = lab_runner(args)
    ports = parse_ports(args.port, [s.name for s in runner.manifest.services])
    from ..pool import claim  # a ready instance from the hot-start pool (`altlab pool fill`), where there is one

    ctx = (claim(runner, args.flavour, args.seed) if not ports else None) or runner.start(
        flavour=args.flavour, seed=args.seed, fixed_ports=ports, timeout=args.timeout)
    print(ctx.state.task_file.read_text(), flush=True)
    print_access(ctx)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from ..backends import get_backend

    runner = lab_runner(args)
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
    print_access(runner.context())
    for k, v in st.params.items():
        print(f"  param {k} = {v}")
    return 0


def cmd_task(args: argparse.Namespace) -> int:
    print(lab_runner(args).task())
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    runner = lab_runner(args)
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
    from ..grading import grade

    runner = lab_runner(args)
    runner.running_state()  # a clear "not running" before pytest starts
    report = Path(args.report) if args.report else runner.running_state().dir / "reports" / "last.json"
    code, data, _ = grade(runner.manifest.id, instance=runner.instance, persistence=args.persistence,
                          report=report, lab_dirs=[Path(d) for d in args.lab_dir],
                          rootdir=runner.manifest.checks_dir)
    if not data:
        return 2
    return 0 if data.get("passed") else 1


def cmd_stop(args: argparse.Namespace) -> int:
    left = lab_runner(args).stop()
    rest = {k: v for k, v in left.items() if v}
    if rest:
        err(f"left behind: {rest}")
        return 1
    print(f"stopped {args.lab}: containers, networks and volumes removed")
    return 0


def cmd_restart(args: argparse.Namespace) -> int:
    runner = lab_runner(args)
    ctx = runner.context()
    ctx.restart(args.services or None, timeout=args.timeout)
    print_access(ctx)
    return 0


def cmd_logs(args: argparse.Namespace) -> int:
    ctx = lab_runner(args).context()
    print(ctx.backend.logs(args.service, tail=args.tail))
    return 0


def cmd_workspace(args: argparse.Namespace) -> int:
    runner = lab_runner(args)
    st = runner.state()  # also when the services are down: the candidate's files are still there
    if st is None:
        raise LabNotRunning(runner.manifest.id, runner.instance)
    if not st.workspace.is_dir():
        raise AltlabError(f"lab '{args.lab}' has no workspace", hint="only some labs hand you files to edit")
    print(st.workspace)
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    ctx = lab_runner(args).apply_workspace(timeout=args.timeout)
    print(f"applied {ctx.state.workspace / 'compose.override.yaml'}", flush=True)
    print_access(ctx)
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    ctx, how = lab_runner(args).reset(timeout=args.timeout)
    print(f"{args.lab} is back in its broken state ({how}); hints and the attempt clock start again", flush=True)
    print(ctx.state.task_file.read_text(), flush=True)
    print_access(ctx)
    return 0
