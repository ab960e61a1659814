"""`altlab progress`: per lab and per skill, what was tried and passed, and which lab to practise next."""

from __future__ import annotations

import argparse
import json

from .catalog import columns
from .options import lab_catalog
from .output import console, err

__all__ = ["HOW", "add_progress_arguments", "cmd_progress"]

HOW = """how each figure is computed:
  tries     attempts: each run (a start or a reset) counts its first grading,
            then each grading whose score differs from the one before it;
            re-grading an unchanged lab (watch, a script, Enter twice) does not
  best      the best score of all attempts, hints deducted
  passed    some attempt reached the lab's pass mark
  to pass   minutes from the first start of the lab (its earliest graded run)
            to its first passing grading: a reset does not restart this clock
  hints     hints shown, over all runs
  sol       "early": the solution was viewed before passing (--give-up)
by skill:
  avg best  the average best score of the skill's labs that were tried;
            a lab never tried is left out (not counted as 0%)
  order     weakest first: skills with a tried lab not passed yet (lowest
            average first), then skills with labs never tried (skills begun
            first, then those with the most labs), then skills whose labs
            are all passed
  next      of the skill's labs not passed, the one with the fewest attempts
            (then the lowest best score)"""


def add_progress_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = HOW
    p.add_argument("--json", action="store_true", help="machine-readable output")


def cmd_progress(args: argparse.Namespace) -> int:
    from ..drills import progress, skill_summary
    from ..store import Store

    labs, broken = lab_catalog(args).load_all()
    for e in broken:
        err(f"altlab: skipping an invalid lab: {e}")
    rows = progress(Store(), labs)
    skills = skill_summary(rows)
    if args.json:
        print(json.dumps({"labs": [r.__dict__ for r in rows], "skills": skills}, indent=2, default=list))
        return 0
    width = console().width
    print("progress by lab (`altlab progress --help`: how each figure is computed)")
    lab_rows = [[r.lab, str(r.attempts), "-" if r.best_percent is None else f"{r.best_percent:g}%",
                 "yes" if r.passed else "no", "-" if r.time_to_pass is None else f"{r.time_to_pass / 60:.1f} min",
                 str(r.hints_used), "early" if r.solution_seen_before_pass else ""] for r in rows]
    for line in columns(["lab", "tries", "best", "passed", "to pass", "hints", "sol"], lab_rows, width, (0,)):
        print(line.rstrip())
    print("\nby skill (weakest first)")
    skill_rows = [[d["skill"], str(d["labs"]), str(d["tried"]), str(d["passed"]),
                   "-" if d["average_best_percent"] is None else f"{d['average_best_percent']:g}%",
                   d["practise_next"]] for d in skills]
    for line in columns(["skill", "labs", "tried", "passed", "avg best", "practise next"], skill_rows, width,
                        (5, 0)):
        print(line.rstrip())
    if skills:
        print(f"\npractise next: {skills[0]['practise_next']} ({skills[0]['skill']})")
    return 0
