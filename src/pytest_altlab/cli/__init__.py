"""The `altlab` command: parse, dispatch to the command's module, turn errors into exit codes."""

from __future__ import annotations

import importlib
import os
import sys

from ..errors import AltlabError, LabNotRunning
from .output import ExitCode, err

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    from .parser import build_parser

    argv = list(sys.argv[1:] if argv is None else argv)
    # `altlab shell LAB [SERVICE] -- CMD ...`: everything after `--` is the command, verbatim.
    cmd: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, cmd = argv[:i], argv[i + 1:]
    args = build_parser(argv).parse_args(argv)
    args.lab_dir = list(args.lab_dir) + list(getattr(args, "sub_lab_dir", []))
    args.cmd = cmd
    try:
        if callable(args.fn):  # a front end that brings its own options (the portal)
            return int(args.fn(args))
        module, _, function = str(args.fn).partition(":")
        fn = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return int(fn(args))
    except AltlabError as e:
        if isinstance(e, LabNotRunning) and isinstance(getattr(args, "instance", None), str):
            from .instances import explain_not_running

            try:
                e = explain_not_running(e, args.lab, args.instance)
            except AltlabError:
                pass  # the engine does not answer: the plain message is still true
        err(f"altlab: error: {e}")
        return e.exit_code
    except KeyboardInterrupt:
        err("altlab: interrupted; cleaned up")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # `altlab ... | head`: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
