"""A candidate's exam sheet: each task with every `altlab CMD LAB` aimed at the candidate's own instance."""

from __future__ import annotations

import re

__all__ = ["EXAM_ALLOWED", "sheet_footer", "sheet_task"]

# What a candidate may run on an exam instance; hint, solution, reset, watch and progress refuse there.
EXAM_ALLOWED = ("shell", "status", "task", "restart", "logs", "workspace", "apply", "grade")


def sheet_task(task: str, lab_id: str, instance: str, lab_dirs: str = "") -> str:
    """The task text with `altlab CMD LAB` rewritten to `altlab [LAB_DIRS] CMD LAB --instance INSTANCE`.

    A command left without --instance would act on the default drill instance, not the candidate's."""
    prefix = f"altlab {lab_dirs} " if lab_dirs else "altlab "
    pattern = re.compile(rf"\baltlab ({'|'.join(EXAM_ALLOWED)}) {re.escape(lab_id)}(?![\w-])(?! --instance)")
    return pattern.sub(lambda m: f"{prefix}{m.group(1)} {lab_id} --instance {instance}", task)


def sheet_footer(instance_hint: str) -> str:
    return ("What you may use: `altlab " + "|".join(EXAM_ALLOWED) + f" LAB --instance {instance_hint}`. "
            "`altlab grade` shows your score and each visible check's pass/fail, not what a check expects; "
            "there are no hints or solutions in an exam.")
