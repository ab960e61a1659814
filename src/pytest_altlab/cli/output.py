"""What the `altlab` command prints: the console, error lines, named exit codes, a running lab's access."""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ..context import LabContext

__all__ = ["ExitCode", "console", "err", "print_access"]


class ExitCode(IntEnum):
    """The exit codes of `altlab` (as pip's cli/status_codes.py names its own)."""

    OK = 0
    NOT_PASSED = 1  # graded and not passed, verify failed, not running (status), something left behind
    USER_ERROR = 2  # an AltlabError: a mistake or a state the user can act on (the message says what)
    INTERRUPTED = 130  # Ctrl-C; whatever the command had started was cleaned up


def console() -> Console:  # rich is imported lazily: `altlab start` should not pay for it before it must
    from rich.console import Console

    return Console(highlight=False)


def err(msg: str) -> None:
    sys.stderr.write(msg + "\n")  # one write per line: lines from parallel workers never interleave
    sys.stderr.flush()


def print_access(ctx: LabContext) -> None:
    """Where a running lab's services listen and how to reach them."""
    st = ctx.state
    lines = [f"lab {st.lab_id} is running (instance {st.instance}, {st.flavour} flavour)"]
    for s in ctx.backend.ready_status or ctx.backend.status():
        ports = ", ".join(f"{c} -> 127.0.0.1:{h}" for c, h in sorted(s.ports.items()))
        lines.append(f"  {s.service}: {s.state}{' (' + s.health + ')' if s.health else ''}  {ports}")
    from .options import lab_dir_flag

    inst = ("" if st.instance == "default" else f" --instance {st.instance}") + lab_dir_flag(ctx.manifest.path)
    shell, grade = f"shell: altlab shell {st.lab_id}{inst}", f"grade: altlab grade {st.lab_id}{inst}"
    import shutil

    # One line where it fits the terminal, else two: a wrapped command is hard to copy.
    fits = len(shell) + 4 + len(grade) <= shutil.get_terminal_size().columns
    lines += [f"{shell}    {grade}"] if fits else [shell, grade]
    lines = [ln if len(ln) <= shutil.get_terminal_size().columns else ln.replace(", ", ",\n    ") for ln in lines]
    print("\n".join(lines), flush=True)
