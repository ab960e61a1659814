"""Lint of a lab's hints: a hint's `check` names a real check, no hint names an answer or just repeats the task."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["hint_findings"]

_WORD = re.compile(r"[a-z0-9_./:-]{3,}")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(re.sub(r"\{\{\s*\w+\s*\}\}", " ", text.lower())))


def hint_findings(data: dict[str, Any], task: str, ids: list[str]) -> list[tuple[str, str, str, str, str]]:
    """(where, value, message, hint, severity) per finding."""
    out = []
    hints = data.get("hints")
    sentences = [s for s in re.split(r"(?<=[.:;!?])\s+|\n\s*\n", task) if len(_words(s)) >= 4]
    raw = data.get("answers")  # the literal ones: a placeholder's value is known per run only (verify checks it)
    answers = [str(a) for a in (raw if isinstance(raw, list) else [])
               if isinstance(a, (str, int)) and "{{" not in str(a)]
    for i, h in enumerate(hints if isinstance(hints, list) else []):
        h = {"text": h} if isinstance(h, str) else h if isinstance(h, dict) else {}
        text, check = str(h.get("text", "")), h.get("check")
        if check and not any(str(check) == c or str(check).startswith(c + "[") for c in ids):
            out.append((f"hints[{i}].check", str(check), "names no check of this lab",
                        "the test function's name, e.g. test_app_can_log_in", "error"))
        from ..leaks import find_leaks

        for leak in find_leaks([(f"hints[{i}].text", text)], answers):
            out.append((leak.where, leak.value, "names a declared answer (lab.yaml answers:)",
                        "say where to look or what to compare; the candidate must find the value", "error"))
        words = _words(text)
        # Most of a hint's words in one sentence of the task: the hint tells the learner nothing new.
        if len(words) >= 4 and any(len(words & _words(s)) >= 0.8 * len(words) for s in sentences):
            out.append((f"hints[{i}].text", text[:60] + ("..." if len(text) > 60 else ""), "repeats the task",
                        "a hint says where to look or what to compare, not what TASK.md already asks", "warning"))
    return out
