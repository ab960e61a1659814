"""lab.yaml `answers:`: the values a candidate must find, as declared (validated; rendered per run by leaks.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .manifest_fields import keys
from .validation import step_inside

if TYPE_CHECKING:
    from .validation import Fields

__all__ = ["Answer", "PLACEHOLDER", "parse_answers"]

PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")  # as in TASK.md (lab/steps.py)
MIN_LENGTH = 3  # a shorter value ("8", "on") occurs in any output by chance: the leak check would cry wolf


@dataclass(frozen=True)
class Answer:
    """One declared answer: a text with {{ param }} placeholders, or a host-side file that computes values.

    `source`: a .py file in the lab folder with `answers(lab) -> Iterable[str]`, for values known only once
    the lab runs (an address the engine chose, a count of a seeded data set)."""

    text: str = ""
    source: Path | None = None


def parse_answers(v: Fields, lab_dir: Path, raw: object, params: dict[str, bool]) -> tuple[Answer, ...]:
    """`params`: the lab's parameter names -> whether secret. Secret values are redacted from every output
    already (report.py, the grader's evidence), so an answer may not name one."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise v.fail("answers", raw, "a list of values the candidate must find (strings, or {from: FILE.py})")
    out = []
    for i, item in enumerate(raw):
        fld = f"answers[{i}]"
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)  # `- 46180` in YAML is a number; the output holds it as text
        if isinstance(item, dict):
            v.keys(item, keys("answers[]"), fld)
            src = v.str_(item, "from", f"{fld}.from", expected="a .py file in the lab folder defining answers(lab)")
            path = step_inside(lab_dir, src, v.fail, f"{fld}.from")
            if path.suffix != ".py":
                raise v.fail(f"{fld}.from", src, "a .py file defining answers(lab) -> a list of strings")
            out.append(Answer(source=path))
            continue
        if not isinstance(item, str) or len(item.strip()) < MIN_LENGTH:
            raise v.fail(fld, item, f"a string of at least {MIN_LENGTH} characters (shorter ones occur by chance), "
                                    "or {from: FILE.py}")
        for name in PLACEHOLDER.findall(item):
            if name not in params:
                raise v.fail(fld, item, "placeholders naming declared parameters: " + (", ".join(sorted(params))
                                                                                       or "(none declared)"))
            if params[name]:
                raise v.fail(fld, item, f"no secret parameter ('{name}' is secret: every output redacts it already)")
        out.append(Answer(text=item))
    return tuple(out)
