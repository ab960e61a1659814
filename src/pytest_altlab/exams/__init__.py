"""Proctored exams: exam.yaml (manifest), a run's state (run), proctoring (proctor), reports and signing."""

from __future__ import annotations
