"""The command table: every `altlab` command, its options, and the "module:function" that runs it.

As in pip's commands/__init__.py, a command's module is imported only when that command runs, so
`altlab start` never pays for the exam or report code."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from .catalog import add_list_arguments, add_show_arguments
from .instances import add_use_arguments
from .options import add_candidates, add_flavour, add_instance, add_json, add_timeout, finite
from .progress import add_progress_arguments
from .scaffold import add_new_arguments

__all__ = ["COMMANDS", "EXAM_COMMANDS", "build_parser"]

Adder = Callable[[argparse.ArgumentParser], None]


def _none(p: argparse.ArgumentParser) -> None:
    pass


def _start(p: argparse.ArgumentParser) -> None:
    add_flavour(p)
    p.add_argument("--seed", help="derive per-candidate parameter values from this seed")
    p.add_argument("--port", action="append", default=[], metavar="SVC:PORT=HOSTPORT",
                   help="publish a container port on a fixed 127.0.0.1 port (default: a free one)")
    p.add_argument("--fresh", action="store_true",
                   help="delete a stopped instance of the lab (containers and volumes: your work) and start anew")
    add_timeout(p)


def _status(p: argparse.ArgumentParser) -> None:
    add_json(p)
    p.add_argument("--show-secrets", action="store_true", help="show secret parameter values (hidden by default)")


def _shell(p: argparse.ArgumentParser) -> None:
    p.add_argument("service", nargs="?", help="service name (default: the lab's first service)")


def _grade(p: argparse.ArgumentParser) -> None:
    p.add_argument("--persistence", action="store_true", help="also restart the services and re-check")
    p.add_argument("--report", help="where to write the JSON report")
    p.add_argument("--verbose", "-v", action="store_true",
                   help="also pytest's tracebacks of failed checks (they show the check's source and values), "
                   "and whether grading ran without the resident grader")


def _task(p: argparse.ArgumentParser) -> None:
    p.add_argument("--raw", action="store_true", help="the TASK.md text as is")


def _reset(p: argparse.ArgumentParser) -> None:
    add_timeout(p)
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation (asked only in a terminal)")


def _restart(p: argparse.ArgumentParser) -> None:
    p.add_argument("services", nargs="*")
    add_timeout(p)


def _logs(p: argparse.ArgumentParser) -> None:
    p.add_argument("service", nargs="?")
    p.add_argument("--tail", type=int, default=100)


def _hint(p: argparse.ArgumentParser) -> None:
    p.add_argument("--list", action="store_true", help="show the hints already used in this run")


def _watch(p: argparse.ArgumentParser) -> None:
    p.add_argument("--every", type=finite, help="re-grade every SECONDS instead of waiting for Enter")
    p.add_argument("--times", type=int, help="stop after this many gradings")


def _solution(p: argparse.ArgumentParser) -> None:
    p.add_argument("--give-up", action="store_true", help="show it before passing (recorded in progress)")


def _verify(p: argparse.ArgumentParser) -> None:
    p.add_argument("lab", nargs="*", metavar="LAB", help="one or more lab ids (or --all)")
    p.add_argument("--all", action="store_true", help="every lab")
    p.add_argument("--quick", action="store_true", help="skip the near-miss and alternative-route variants")
    p.add_argument("--runs", type=int, default=1, help="grade the broken and the solved state N times each: "
                   "a check whose status flips is flaky and fails the self-test")
    p.add_argument("--variant", metavar="ID", help="run only this near-miss / alternative variant")
    p.add_argument("--jobs", type=int, default=1,
                   help="self-test this many labs side by side (several labs or --all), each in a process of its "
                   "own; the slowest (by their last self-test here) go first")
    add_flavour(p)


def _lint(p: argparse.ArgumentParser) -> None:
    p.add_argument("lab", nargs="?", help="lab id, or the path of a lab folder")
    p.add_argument("--all", action="store_true", help="every lab, every exam and every shared compose file")
    p.add_argument("--exam", action="append", default=[], help="lint this exam (id or exam.yaml path)")
    p.add_argument("--json", action="store_true", help="the findings as a JSON list")


def _images(p: argparse.ArgumentParser) -> None:
    isub = p.add_subparsers(dest="images_command", required=True)
    bp = isub.add_parser("build", help="build the debian-flavour images (and their debootstrap bases)")
    bp.add_argument("services", nargs="*", help="compose service files (default: all)")
    bp.add_argument("--base", action="append", choices=["trixie", "bookworm"], help="also build this base image")
    bp.add_argument("--force", action="store_true", help="rebuild even if present")
    bp.set_defaults(fn="author:cmd_images")
    from ..images_transfer import add_transfer_commands  # images save / load

    add_transfer_commands(isub)


def _exam_start(p: argparse.ArgumentParser) -> None:
    p.add_argument("--candidates", action="append", default=[], help="comma-separated candidate ids")
    p.add_argument("--candidates-file", help="one candidate id per line")
    p.add_argument("--seed", help="exam seed (default: random); candidates' parameters derive from it")
    p.add_argument("--parallel", type=int, default=6)
    p.add_argument("--minutes", type=finite, help="override the exam's time limit")
    add_flavour(p)
    add_timeout(p, 300)
    p.add_argument("--proctor", action="store_true", help="grade everyone automatically at the deadline")
    p.add_argument("--portal-url", default="http://127.0.0.1:8765",
                   help="address of `altlab portal` for the candidates' login links")


def _candidate(p: argparse.ArgumentParser) -> None:
    p.add_argument("candidate")


def _graders(p: argparse.ArgumentParser) -> None:
    # Grading is CPU-bound (pytest start, Erlang CLIs): one more grader than cores measured fastest.
    p.add_argument("--parallel", type=int, default=(os.cpu_count() or 2) + 1)


def _portal(p: argparse.ArgumentParser) -> None:
    from ..portal.cli import add_portal_arguments  # imports the SSH library: only when `portal` is the command

    add_portal_arguments(p)


def _exam_grade(p: argparse.ArgumentParser) -> None:
    add_candidates(p)
    p.add_argument("--final", action="store_true", help="this is the grading at the time limit")
    _graders(p)


def _exam_verify_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("report", help="a bundle folder or its report.json")
    p.add_argument("--exam", help="take the key from this exam's run on this host")
    p.add_argument("--key-file", help="the exam's secret key file (bundles of the former HMAC format)")
    p.add_argument("--public-key", help="the exam's public.pem: a third party verifies with it alone")


def _pool(p: argparse.ArgumentParser) -> None:
    from .pool import add_pool_arguments

    add_pool_arguments(p)


# name -> (runs, help, options, takes a lab id + --instance)
COMMANDS: dict[str, tuple[str, str, Adder, bool]] = {
    "list": ("catalog:cmd_list", "the labs, one line each: id, skills, minutes, points, state here",
             add_list_arguments, False),
    "show": ("catalog:cmd_show", "one lab: title, summary, services, flavours and their notes, self-tests",
             add_show_arguments, False),
    "start": ("lab:cmd_start", "start a lab: containers up, broken state applied, task shown", _start, True),
    "status": ("lab:cmd_status", "is the lab running; services, ports, parameters", _status, True),
    "task": ("lab:cmd_task", "show the task statement of a running lab (reflowed; --raw: the file as is)",
             _task, True),
    "shell": ("lab:cmd_shell", "a shell in a lab service; `-- CMD ARGS...` runs one command", _shell, True),
    "grade": ("lab:cmd_grade", "grade the running lab (same as `pytest --lab LAB`)", _grade, True),
    "stop": ("lab:cmd_stop", "remove the lab's containers, networks and volumes", _none, True),
    "restart": ("lab:cmd_restart", "restart the lab's services in place (config files take effect)", _restart, True),
    "resume": ("lab:cmd_resume", "start what is down (stopped, paused) again, keeping your work",
               lambda p: add_timeout(p), True),
    "logs": ("lab:cmd_logs", "recent logs of the lab's services", _logs, True),
    "workspace": ("lab:cmd_workspace", "print the folder of files you edit for this lab (some labs)", _none, True),
    "apply": ("lab:cmd_apply", "apply your workspace/compose.override.yaml to the running lab",
              lambda p: add_timeout(p), True),
    "reset": ("lab:cmd_reset", "put the lab back into its broken state (in place where the lab can, else afresh)",
              _reset, True),
    "use": ("instances:cmd_use", "remember which instance of a lab later commands mean (--instance X)",
            add_use_arguments, False),
    "hint": ("drill:cmd_hint", "show the next hint (each costs the points the lab declares)", _hint, True),
    "watch": ("drill:cmd_watch", "re-grade on Enter (or every N seconds) and show checks flipping", _watch, True),
    "progress": ("progress:cmd_progress", "attempts, best score, time, hints per lab; what to practise next",
                 add_progress_arguments, False),
    "solution": ("drill:cmd_solution", "the reference solution with explanations (after passing, or --give-up)",
                 _solution, True),
    "verify": ("author:cmd_verify", "a lab's self-test: broken scores 0, solution full, survives restart",
               _verify, False),
    "lint": ("author:cmd_lint", "check a lab's files without Docker: steps covered, points, names, safety",
             _lint, False),
    "new": ("scaffold:cmd_new", "scaffold a lab folder for a service that passes `altlab verify` at once",
            add_new_arguments, False),
    "pool": ("pool:cmd_pool", "keep N ready, already broken instances of a lab: `altlab start` claims one",
             _pool, False),
    "images": ("", "build images ahead of time; save / load them for a host with no registry", _images, False),
    "portal": ("", "candidate portal: terminals in a browser, proctor console, SSH door", _portal, False),
}

EXAM_COMMANDS: dict[str, tuple[str, str, Adder]] = {
    "list": ("exam:cmd_exam_list", "the exams", _none),
    "start": ("exam:cmd_exam_start", "start every candidate's labs (in parallel)", _exam_start),
    "status": ("exam:cmd_exam_status", "candidates: state, labs, time left, score", add_json),
    "sheet": ("exam:cmd_exam_sheet", "a candidate's task sheet and how to get a shell", _candidate),
    "grade": ("exam:cmd_exam_grade", "grade candidates (with the restart phase) into signed bundles", _exam_grade),
    "proctor": ("exam:cmd_exam_proctor", "wait for the time limit, then grade everyone (final)", _graders),
    "stop": ("exam:cmd_exam_stop", "stop candidates' environments (all by default)", add_candidates),
    "restart-candidate": ("exam:cmd_exam_restart", "start a candidate's environment again, touching no one else",
                          _candidate),
    "verify-report": ("exam:cmd_exam_verify_report", "detect any edit to a signed report bundle",
                      _exam_verify_report),
    "stats": ("exam:cmd_exam_stats", "per check: who passed, how well it separates candidates; copied values",
              add_json),
}


def _lab_dir_here(p: argparse.ArgumentParser) -> None:
    """--lab-dir also after the command (`altlab list --lab-dir X`); main() merges it with the global one."""
    p.add_argument("--lab-dir", dest="sub_lab_dir", action="append", default=argparse.SUPPRESS,
                   help="a folder of your own labs (repeatable)")


# Commands whose options import more than argparse: set up only when they are the command given.
HEAVY = {"images", "portal"}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="altlab", description="Start, grade and self-test hands-on labs.")
    p.add_argument("--lab-dir", action="append", default=[], help="a folder of your own labs (repeatable)")
    sub = p.add_subparsers(dest="command", required=True)
    named = set(argv or [])
    for name, (runs, help, add, takes_lab) in COMMANDS.items():
        sp = sub.add_parser(name, help=help)
        if takes_lab:
            add_instance(sp)
        if name not in HEAVY or name in named:
            add(sp)
        if name != "images":
            _lab_dir_here(sp)
        if runs:
            sp.set_defaults(fn=runs)
    ex = sub.add_parser("exam", help="proctored exams: many candidates, signed reports")
    esub = ex.add_subparsers(dest="exam_command", required=True)
    for name, (runs, help, add) in EXAM_COMMANDS.items():
        sp = esub.add_parser(name, help=help)
        if name not in ("list", "verify-report"):
            sp.add_argument("exam")
        add(sp)
        _lab_dir_here(sp)
        sp.set_defaults(fn=runs)
    return p
