"""Whether a lab instance belongs to an exam, and then which of its checks the candidate may not see."""

from __future__ import annotations

from ..catalog import Catalog
from ..errors import AltlabError
from ..lab import LabRunner

__all__ = ["exam_hidden"]


def exam_hidden(runner: LabRunner, catalog: Catalog) -> frozenset[str] | None:
    """None for a drill instance; for an exam's instance the ids of the lab's hidden checks.

    Any command that grades an exam's instance (`altlab grade --instance`, `pytest --lab --lab-instance`)
    then grades in exam mode: a candidate who finds the instance name learns nothing more than the portal shows."""
    st = runner.state()
    if st is None or not st.exam:
        return None
    try:
        import json

        from ..exams.manifest import find_exam
        from ..paths import state_home

        ref = st.exam["id"]
        run = state_home() / "exams" / ref / "run.json"  # the exam file it was started from, if not a shipped one
        if run.is_file():
            ref = json.loads(run.read_text(encoding="utf-8")).get("exam_file") or ref
        exam = find_exam(ref, catalog)
    except (AltlabError, KeyError, OSError, ValueError):
        return frozenset()  # the exam file is gone: hide no check ids, but still the exam view
    return frozenset(h for x in exam.labs if x.lab == runner.manifest.id for h in x.hidden)
