"""Commands for working in a lab: start, status, task, shell, grade, stop, restart, logs, apply, reset."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AltlabError, LabNotRunning
from .markdown import print_markdown
from .options import lab_runner, parse_ports
from .output import err, print_access

if TYPE_CHECKING:
    from ..context import LabContext


def print_task_and_access(ctx: LabContext) -> None:
    """How start and reset end: the task as `altlab task` shows it (reflowed to the width), then the access lines."""
    print_markdown(ctx.state.task_file.read_text(encoding="utf-8"))
    print()
    print_access(ctx)


def cmd_start(args: argparse.Namespace) -> int:
    from .waiting import phases

    runner = lab_runner(args)  # an unknown lab or a bad --port: one error line, no phase before it
    ports = parse_ports(args.port, [s.name for s in runner.manifest.services])
    from ..pool import claim  # a ready instance from the hot-start pool (`altlab pool fill`), where there is one

    ctx = claim(runner, args.flavour, args.seed) if not ports and not args.fresh else None
    if ctx is None:
        with phases(f"checking the images of {args.lab}") as echo:
            runner.echo = echo
            ctx = runner.start(flavour=args.flavour, seed=args.seed, fixed_ports=ports,
                               timeout=args.timeout, fresh=args.fresh)
    print_task_and_access(ctx)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from ..backends import get_backend
    from ..lab.guard import InstanceBusy, condition

    runner = lab_runner(args)
    try:
        runner.recover()  # a start that was killed half-way: cleared, then reported as not running
    except InstanceBusy as e:  # a start in progress: say so, it is not an error of the user's
        print(e.message)
        return 1
    st = runner.state()
    services = get_backend(st.backend, st.project, st.compose_file).status() if st else []
    running = any(s.state == "running" for s in services)
    secret = {p.name for p in runner.manifest.parameters if p.secret}
    params = {k: ("***" if k in secret and not args.show_secrets else v) for k, v in (st.params if st else {}).items()}
    if args.json:
        print(json.dumps({
            "lab": runner.manifest.id, "instance": runner.instance, "project": runner.project,
            "running": running, "condition": condition(services) if st else "absent",
            "flavour": st.flavour if st else None,
            "started_at": st.started_at if st else None,
            "services": [{"service": s.service, "state": s.state, "health": s.health,
                          "ports": {str(c): {"host": "127.0.0.1", "port": h} for c, h in s.ports.items()}}
                         for s in services],
            "parameters": params,
        }, indent=2))
        return 0 if running else 1
    try:
        ctx = runner.context()
    except LabNotRunning as e:  # never started, stopped, paused: each says so, with what brings it back
        print(e)
        return 1
    print_access(ctx)
    for k, v in params.items():
        print(f"  param {k} = {v}")
    return 0


def cmd_task(args: argparse.Namespace) -> int:
    print_markdown(lab_runner(args).task(), raw=getattr(args, "raw", False))
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
    runner.recover()
    st = runner.running_state()  # a clear "not running" (or "stopped") before pytest starts
    if st.exam and args.report:
        raise AltlabError(f"instance '{runner.instance}' belongs to exam '{st.exam['id']}': no report file",
                          hint="the proctor's report holds the details")
    report = Path(args.report) if args.report else st.dir / "reports" / "last.json"
    if getattr(args, "verbose", False):
        os.environ["ALTLAB_VERBOSE"] = "1"  # forkclient says when it grades without the fork server
    # An exam's instance is graded as the candidate sees it: no details, no hidden checks, no tracebacks.
    extra = ["--lab-mode", "exam"] if st.exam else (["--tb=long"] if getattr(args, "verbose", False) else [])
    extra += [] if args.report else ["--lab-report-unannounced"]  # the instance's own file: `--report` to choose
    if args.persistence:  # the restart phase takes as long as the services need to come back: say where it is
        from .waiting import grading_phases

        # In this process, not the resident grader: the phases are announced from inside the grading (and a
        # restart takes seconds anyway).
        with grading_phases(f"checks of {runner.manifest.id}: first pass") as quiet:
            code, data, out = grade(runner.manifest.id, instance=runner.instance, persistence=True, report=report,
                                    lab_dirs=[Path(d) for d in args.lab_dir], rootdir=runner.manifest.checks_dir,
                                    extra_args=extra + (["--color=yes"] if quiet else []), quiet=quiet)
        print(out, end="", flush=True)
    else:
        code, data, _ = grade(runner.manifest.id, instance=runner.instance, report=report,
                              lab_dirs=[Path(d) for d in args.lab_dir], rootdir=runner.manifest.checks_dir,
                              extra_args=extra, resident=True)
    if not data or (code == 4 and data.get("error")):  # pytest said why it could not grade (e.g. not running)
        return 2
    if data.get("error"):
        err(f"altlab: error: {data['error']}\n  hint: the report ({report}) says what was graded")
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
    ctx, down = lab_runner(args).restart(args.services or None, timeout=args.timeout)
    if down:
        print(f"started again (volumes kept): {', '.join(down)}", flush=True)
    print_access(ctx)
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    ctx, down = lab_runner(args).resume(timeout=args.timeout)
    print(f"started again (volumes kept): {', '.join(down)}" if down else "nothing was down", flush=True)
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
    import sys

    runner = lab_runner(args)
    st = runner.state()
    if st is not None and st.exam:
        raise AltlabError(f"instance '{runner.instance}' belongs to exam '{st.exam['id']}': no reset in an exam",
                          hint="ask the proctor (`altlab exam restart-candidate`)")
    if sys.stdin.isatty() and not getattr(args, "yes", False):  # a script or a pipe never waits for an answer
        answer = input(f"reset {runner.manifest.id} (instance {runner.instance}): your changes are undone and "
                       "the attempt clock starts again. Continue? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("not reset")
            return 1
    from ..pool import reset  # a ready instance of the hot-start pool, where one is filled: the fastest reset
    from .waiting import phases

    with phases(f"resetting {runner.manifest.id}") as echo:
        runner.echo = echo
        ctx, how = reset(runner, timeout=args.timeout)
    print(f"{args.lab} is back in its broken state ({how}); hints and the attempt clock start again", flush=True)
    print_task_and_access(ctx)
    return 0
