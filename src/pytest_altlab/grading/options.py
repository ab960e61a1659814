"""How one grading session runs, fixed when it starts: report file, restart phase, mode, exam and candidate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..scoring import Mode

if TYPE_CHECKING:
    from ..exams.manifest import ExamManifest

__all__ = ["GraderOptions"]


@dataclass(frozen=True)
class GraderOptions:
    report_path: Path | None = None
    persistence: bool = False  # restart the services after the first pass and re-run the persistent checks
    mode: Mode = "drill"  # drill: every detail for the learner; exam: status only for the candidate
    record_progress: bool = True  # add the grading as an attempt to the progress store
    exam: ExamManifest | None = None
    candidate: str = ""
    announce_report: bool = True  # print "report written to PATH" at the end
