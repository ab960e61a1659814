"""Read a TASK.md as a lab author wrote it: its numbered steps, bold requirements and placeholders."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Bold", "Placeholder", "TaskDoc", "TaskStep", "parse_task"]

_STEP = re.compile(r"^(\d{1,3})[.)](?:\s|$)")  # a list item at column 0: a top-level step
_BOLD = re.compile(r"\*\*(?=\S)((?:(?!\n[ \t]*\n).)+?)(?<=\S)\*\*", re.DOTALL)
_CODE = re.compile(r"`+[^`]*`+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_BLOCK_START = re.compile(r"^(#|[-*+]\s|\||>|```|~~~)")  # what ends a step without a blank line before it
PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")  # as lab.render_task fills them


@dataclass(frozen=True)
class TaskStep:
    number: int  # 1-based position among the top-level steps: what @pytest.mark.covers(N) names
    written: int  # the number as written (Markdown renumbers, so it may differ)
    line: int  # first line (1-based)
    end: int  # last non-blank line


@dataclass(frozen=True)
class Bold:
    text: str
    line: int
    step: int | None  # the step it lies in, if any


@dataclass(frozen=True)
class Placeholder:
    name: str
    line: int


@dataclass(frozen=True)
class TaskDoc:
    steps: tuple[TaskStep, ...]
    bolds: tuple[Bold, ...]
    placeholders: tuple[Placeholder, ...]

    def step_at(self, line: int) -> int | None:
        for s in self.steps:
            if s.line <= line <= s.end:
                return s.number
        return None


def _steps(lines: list[str]) -> list[TaskStep]:
    """Top-level list items and their extent: indented lines, blank lines followed by indented lines, and lazy
    continuation lines (no blank line before, not the start of another block) belong to the item."""
    out: list[TaskStep] = []
    start = written = last = 0
    in_step = in_fence = blank_before = False

    def close() -> None:
        nonlocal in_step
        if in_step:
            out.append(TaskStep(len(out) + 1, written, start, last))
        in_step = False

    for i, line in enumerate(lines, 1):
        fence = bool(_FENCE.match(line))
        if in_fence:
            in_fence = not fence
            if in_step:
                last = i
            continue
        m = _STEP.match(line)
        if m:
            close()
            in_step, start, written, last, blank_before = True, i, int(m.group(1)), i, False
        elif not line.strip():
            blank_before = True
        elif in_step and (line[0] in " \t" or (not blank_before and not _BLOCK_START.match(line))):
            last, blank_before = i, False
        else:
            close()
        in_fence = fence and not m
    close()
    return out


def parse_task(text: str) -> TaskDoc:
    lines = text.splitlines()
    doc = TaskDoc(tuple(_steps(lines)), (), ())
    placeholders: list[Placeholder] = []
    visible: list[str] = []  # the text Markdown renders as prose: fenced blocks blanked, `**` in code masked
    in_fence = False
    for i, line in enumerate(lines, 1):
        placeholders += [Placeholder(m.group(1), i) for m in PLACEHOLDER.finditer(line)]  # filled in fences too
        fence = bool(_FENCE.match(line))
        visible.append("" if in_fence or fence else _CODE.sub(lambda m: m.group(0).replace("*", "\0"), line))
        in_fence = in_fence != fence
    prose = "\n".join(visible)
    bolds = []
    for m in _BOLD.finditer(prose):  # bold may wrap onto the next line, never across a paragraph break
        at = prose.count("\n", 0, m.start()) + 1
        bolds.append(Bold(" ".join(m.group(1).replace("\0", "*").split()), at, doc.step_at(at)))
    return TaskDoc(doc.steps, tuple(bolds), tuple(placeholders))
