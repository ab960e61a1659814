"""`altlab exam stats EXAM`: the item analysis of an exam run on this host, as a table or JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .errors import AltlabError

__all__ = ["add_exam_stats_arguments", "cmd_exam_stats", "instance_values"]


def add_exam_stats_arguments(esub: Any) -> None:
    e = esub.add_parser("stats", help="per check: who passed, how well it separates candidates; copied values")
    e.add_argument("exam")
    e.add_argument("--json", action="store_true")
    e.set_defaults(fn=cmd_exam_stats)


def instance_values(run: Any, candidates: list[str]) -> dict[str, dict[str, dict[str, str]]]:
    """Parameter values from the candidates' instance states (with the secrets reports redact), where they
    still exist: `exam stop` removes them, and then secrets are not compared."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for cid in candidates:
        for r in run.runners(cid):
            st = r.state()
            if st is not None:
                out.setdefault(cid, {})[r.manifest.id] = dict(st.params)
    return out


def cmd_exam_stats(args: argparse.Namespace) -> int:
    from .catalog import Catalog
    from .exam import find_exam
    from .exam_stats import exam_stats, render_stats
    from .proctor import ExamRun, official_report

    cat = Catalog([Path(d) for d in args.lab_dir])
    run = ExamRun(find_exam(args.exam, cat), cat)
    candidates = sorted(run.require().get("candidates", {}))
    docs = [d for d in (official_report(run, c) for c in candidates) if d]
    if not docs:
        raise AltlabError(f"no candidate of exam '{run.exam.id}' has been graded yet",
                          hint=f"altlab exam grade {run.exam.id} --all")
    stats = exam_stats(docs, instance_values(run, candidates))
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    from rich.console import Console

    con = Console(highlight=False)
    for part in render_stats(stats):
        con.print(part)
    return 0
