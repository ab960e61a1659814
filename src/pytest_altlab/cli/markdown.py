"""Markdown documents (TASK.md, SOLUTION.md) rendered for the terminal: reflowed to its width by rich."""

from __future__ import annotations

import sys

__all__ = ["print_markdown"]


def print_markdown(text: str, *, raw: bool = False) -> None:
    """Rich's Markdown at the terminal's width; `raw` (or a non-terminal with ALTLAB_RAW_MARKDOWN) prints it as is.

    Piped output is rendered too (plain, 80 columns unless COLUMNS says otherwise): `altlab task LAB | less`
    reads like the terminal view. The source stays one `--raw` away for scripts that want the file."""
    if raw:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from rich.markdown import Heading, Markdown

    from .output import console

    class _Markdown(Markdown):
        class _Heading(Heading):  # rich centres a level-1 heading; a task sheet reads top-left
            LEVEL_ALIGN = {**Heading.LEVEL_ALIGN, "h1": "left"}

        elements = {**Markdown.elements, "heading_open": _Heading}

    con = console()
    # Every line cut at its text: rich pads each to the full width, which tmux or a copy-paste then keeps.
    with con.capture() as cap:
        con.print(_Markdown(text, code_theme="ansi_dark", justify="left", hyperlinks=False))
    sys.stdout.write("\n".join(line.rstrip() for line in cap.get().splitlines()) + "\n")
