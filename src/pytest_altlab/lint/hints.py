"""Lint of a lab's hints: a hint's `check` names a real check, and no hint just repeats the task."""

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
    for i, h in enumerate(hints if isinstance(hints, list) else []):
        h = {"text": h} if isinstance(h, str) else h if isinstance(h, dict) else {}
        text, check = str(h.get("text", "")), h.get("check")
        if check and not any(str(check) == c or str(check).startswith(c + "[") for c in ids):
            out.append((f"hints[{i}].check", str(check), "names no check of this lab",
                        "the test function's name, e.g. test_app_can_log_in", "error"))
        words = _words(text)
        # Most of a hint's words in one sentence of the task: the hint tells the learner nothing new.
        if len(words) >= 4 and any(len(words & _words(s)) >= 0.8 * len(words) for s in sentences):
            out.append((f"hints[{i}].text", text[:60] + ("..." if len(text) > 60 else ""), "repeats the task",
                        "a hint says where to look or what to compare, not what TASK.md already asks", "warning"))
    return out
