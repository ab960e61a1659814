"""A lab instance: its lifecycle (runner), its steps and task text (steps), the candidate's workspace."""

from __future__ import annotations

from .runner import LabRunner
from .steps import probe_versions, render_task, run_step
from .workspace import apply_workspace, check_override

__all__ = ["LabRunner", "apply_workspace", "check_override", "probe_versions", "render_task", "run_step"]
