"""What the `altlab` command prints: the console, error lines, named exit codes, a running lab's access."""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ..context import LabContext

__all__ = ["ExitCode", "command_lines", "console", "err", "print_access"]


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
    import shutil

    from .options import lab_dir_flag

    width = shutil.get_terminal_size().columns
    lines = [f"lab {st.lab_id} is running (instance {st.instance}, {st.flavour} flavour)"]
    for s in ctx.backend.ready_status or ctx.backend.status():
        ports = ", ".join(f"{c} -> 127.0.0.1:{h}" for c, h in sorted(s.ports.items()))
        line = f"  {s.service}: {s.state}{' (' + s.health + ')' if s.health else ''}  {ports}"
        lines.append(line if len(line) <= width else line.replace(", ", ",\n    "))

    opts = [o for o in ("" if st.instance == "default" else f"--instance {st.instance}",
                        lab_dir_flag(ctx.manifest.path)) if o]
    shell = command_lines("shell: ", [f"altlab shell {st.lab_id}", *opts], width)
    grade = command_lines("grade: ", [f"altlab grade {st.lab_id}", *opts], width)
    # One line where both fit the terminal, else one (or more) each: a wrapped command is hard to copy.
    fits = len(shell) == len(grade) == 1 and len(shell[0]) + 4 + len(grade[0]) <= width
    lines += [f"{shell[0]}    {grade[0]}"] if fits else [*shell, *grade]
    print("\n".join(lines), flush=True)


def command_lines(label: str, parts: list[str], width: int) -> list[str]:
    """`label` and a suggested command (its words, then whole options such as `--lab-dir DIR`) in lines of at most
    `width` columns where the parts allow: a command too wide is broken between options with shell line
    continuations (` \\`), so it still pastes as one command, where the terminal's own wrap would not."""
    whole = label + " ".join(parts)
    if len(whole) <= width:
        return [whole]
    lines, cur = [], label + parts[0]
    for part in parts[1:]:
        if len(cur) + 1 + len(part) + 2 <= width:  # 2: room for the continuation " \\"
            cur += " " + part
        else:
            lines.append(cur + " \\")
            cur = "    " + part
    return [*lines, cur]
