"""What a check's result says: the candidate-facing message of a failure, skip or error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..scoring import Status
from .timeouts import CheckTimedOut

__all__ = ["message_of", "past_tense"]


def past_tense(status: str | None) -> str:
    return {None: "has not run", "failed": "failed", "error": "errored", "blocked": "was blocked",
            "not_run": "was not run", "skipped": "was skipped"}.get(status, str(status))


def message_of(report: pytest.TestReport, call: pytest.CallInfo[None], status: Status) -> str:
    if status == "passed":
        return ""
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    exc = call.excinfo.value if call.excinfo else None
    if exc is None:
        return str(report.longrepr)[-500:] if report.longrepr else ""
    if isinstance(exc, CheckTimedOut):
        return f"{exc}: the check did not finish in time (a service that does not answer?)"
    if isinstance(exc, AssertionError):
        text = str(exc)
        # Keep the check's own sentence; drop pytest's rewritten `assert ...` explanation.
        text = text.split("\nassert ", 1)[0]
        return text.strip()[:1000] or "assertion failed"
    tb = call.excinfo.traceback if call.excinfo else None
    where = ""
    if tb:
        entry = tb[-1]
        where = f" (at {Path(str(entry.path)).name}:{entry.lineno + 1})"
    return f"the check itself broke: {type(exc).__name__}: {exc}{where}"[:1000]
