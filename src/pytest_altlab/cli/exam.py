"""Proctor commands: `altlab exam start|status|sheet|grade|proctor|stop|restart-candidate|verify-report`."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AltlabError
from .options import lab_catalog, lab_dir_args
from .output import console, err

if TYPE_CHECKING:
    from ..exams.run import ExamRun


def exam_run(args: argparse.Namespace) -> ExamRun:
    from ..exams.manifest import find_exam
    from ..exams.run import ExamRun

    cat = lab_catalog(args)
    if not getattr(args, "exam", None):
        raise AltlabError("name the exam", hint="--exam EXAM (or --public-key / --key-file for verify-report)")
    return ExamRun(find_exam(args.exam, cat), cat)


def named_candidates(args: argparse.Namespace) -> list[str]:
    """The ids given with --candidates / --candidates-file; naming none where the option was given is an error
    (`--candidates ,` must never mean "everyone")."""
    given = bool(args.candidates) or bool(getattr(args, "candidates_file", None))
    names = [c.strip() for part in (args.candidates or []) for c in part.split(",") if c.strip()]
    if getattr(args, "candidates_file", None):
        f = Path(args.candidates_file)
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise AltlabError(f"--candidates-file {f}: cannot be read ({type(e).__name__})",
                              hint="a UTF-8 text file with one candidate id per line") from None
        names += [ln.strip() for ln in text.splitlines() if ln.strip()]
    if given and not names:
        raise AltlabError("--candidates names no candidate", hint="--candidates alice,bob or --candidates-file FILE")
    return list(dict.fromkeys(names))  # each once, in the given order


def candidates(args: argparse.Namespace, run: ExamRun) -> list[str]:
    """The candidates a command acts on: the named ones (each must be a candidate of this run), else all."""
    names = named_candidates(args)
    known = run.require().get("candidates", {})
    if getattr(args, "all", False) or not names:
        names = sorted(known)
    unknown = [c for c in names if c not in known]
    if unknown:
        raise AltlabError(f"not a candidate of exam '{run.exam.id}': {', '.join(unknown)}",
                          hint="candidates: " + (", ".join(sorted(known)) or "none yet"))
    if not names:
        raise AltlabError("no candidates given", hint="--candidates alice,bob or --candidates-file FILE")
    return names


def cmd_exam_list(args: argparse.Namespace) -> int:
    from ..exams.manifest import exam_ids, find_exam

    for eid in exam_ids():
        e = find_exam(eid)
        labs = ", ".join(f"{x.lab} (x{x.weight:g})" for x in e.labs)
        print(f"{e.id}: {e.title}; {e.time_limit:g} min, pass mark {e.pass_mark:g}%; labs: {labs}")
    return 0


def cmd_exam_start(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..exams.proctor import start_candidates

    run = exam_run(args)
    names = named_candidates(args)
    if not names:
        raise AltlabError("no candidates given", hint="--candidates alice,bob or --candidates-file FILE")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console()) as bar:
        task = bar.add_task(f"starting {len(names)} candidate(s)", total=len(names))

        def progress(c: str, what: str) -> None:
            bar.console.print(f"[{c}] {what}", highlight=False, markup=False)
            if what == "ready" or what.startswith("failed"):
                bar.advance(task)

        result = start_candidates(run, names, seed=args.seed, parallel=args.parallel, minutes=args.minutes,
                                  flavour=args.flavour, timeout=args.timeout, progress=progress)
    failed = {c: r for c, r in result.items() if r != "ready"}
    data = run.require()
    print(f"exam {run.exam.id}: {len(result) - len(failed)} ready, {len(failed)} failed; deadline {data['deadline']}")
    if ready := sorted(c for c, r in result.items() if r == "ready"):
        from ..portal.cli import print_exam_links

        print(f"portal login links (one-time; serve them with `altlab portal --exam {args.exam}`):")
        print(f"links saved to {print_exam_links(args.exam, args.lab_dir, ready, args.portal_url)} (mode 0600)")
    print(f"reports are signed with Ed25519; public key {run.public_key_file} (verify-report --public-key):\n"
          + run.public_key_file.read_text().rstrip())
    if args.proctor:
        log = run.dir / "proctor.log"
        with open(log, "a") as out:
            subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", *(lab_dir_args(args)), "exam", "proctor",
                              args.exam], stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True)
        print(f"proctor started: grades everyone at the deadline (log: {log})")
    return 1 if failed else 0


def cmd_exam_status(args: argparse.Namespace) -> int:
    from rich.table import Table

    from ..exams.proctor import candidate_status

    run = exam_run(args)
    rows = candidate_status(run)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    t = Table(title=f"exam {run.exam.id}")
    for col in ("candidate", "state", *[x.lab for x in run.exam.labs], "time left", "score", "attempts"):
        t.add_column(col)
    for r in rows:
        left = r["seconds_left"]
        t.add_row(r["candidate"], r["state"], *[r["labs"][x.lab] for x in run.exam.labs],
                  f"{left // 60}:{left % 60:02d}", "-" if r["score"] is None else f"{r['score']:g}%",
                  str(r["attempts"]))
    console().print(t)
    return 0


def cmd_exam_sheet(args: argparse.Namespace) -> int:
    run = exam_run(args)
    data = run.require()
    if args.candidate not in data.get("candidates", {}):
        raise AltlabError(f"no candidate '{args.candidate}' in exam '{run.exam.id}'")
    left = max(0, int(run.seconds_left()))
    print(f"# {run.exam.title}\ncandidate: {args.candidate}; time left: {left // 60} min; "
          f"pass mark {run.exam.pass_mark:g}%\n")
    from ..exams.sheet import sheet_footer, sheet_task

    lab_dirs = " ".join(lab_dir_args(args))
    runners = run.runners(args.candidate)
    for r in runners:
        st = r.running_state()
        print(f"## {r.manifest.title} ({r.manifest.id})\n")
        print(sheet_task(st.task_file.read_text(encoding="utf-8"), r.manifest.id, r.instance, lab_dirs))
        print(f"shell: altlab {lab_dirs + ' ' if lab_dirs else ''}shell {r.manifest.id} --instance {r.instance}\n")
    print(sheet_footer(runners[0].instance if runners else "INSTANCE"))
    return 0


def cmd_exam_grade(args: argparse.Namespace) -> int:
    from ..exams.proctor import grade_candidates

    run = exam_run(args)
    names = candidates(args, run)
    result = grade_candidates(run, names, final=args.final, parallel=args.parallel,
                              progress=lambda c, s: err(f"[{c}] {s}"))
    for c, doc in sorted(result.items()):
        if isinstance(doc, dict) and doc.get("error"):  # bundled and signed, but not a clean grading
            print(f"{c}: grading failed (attempt {doc['attempt']}, bundled): {doc['error']}")
        elif isinstance(doc, dict):
            late = " (after the time limit: does not replace the result in time)" if doc.get("after_deadline") else ""
            print(f"{c}: {doc['percent']:g}% {'PASSED' if doc['passed'] else 'NOT PASSED'} "
                  f"(attempt {doc['attempt']}){late}")
        else:
            print(f"{c}: grading failed: {doc}")
    print(f"room: {run.dir / 'room.html'} and {run.dir / 'room.csv'}")
    return 0 if all(isinstance(d, dict) and not d.get("error") for d in result.values()) else 1


def cmd_exam_proctor(args: argparse.Namespace) -> int:
    from ..exams.proctor import proctor_loop

    run = exam_run(args)
    err(f"proctoring {run.exam.id}: grading everyone at {run.require()['deadline']}")
    proctor_loop(run, parallel=args.parallel, progress=lambda c, s: err(f"[{c}] {s}"))
    err("final grading done")
    return 0


def cmd_exam_stop(args: argparse.Namespace) -> int:
    from ..exams.proctor import stop_candidates

    run = exam_run(args)
    stop_candidates(run, candidates(args, run))
    print("stopped")
    return 0


def cmd_exam_restart(args: argparse.Namespace) -> int:
    from ..exams.proctor import restart_candidate

    run = exam_run(args)
    done = restart_candidate(run, args.candidate)
    for lab, down in done.items():
        print(f"{args.candidate}/{lab}: " + (f"started again (volumes kept): {', '.join(down)}" if down
                                             else "was running: untouched"))
    return 0


def cmd_exam_verify_report(args: argparse.Namespace) -> int:
    from ..exams.proctor import verify_report
    from ..exams.signing import load_public_key, signature_alg

    if args.public_key or args.key_file:
        given = args.public_key or args.key_file
        try:
            key = Path(given).read_bytes()
        except OSError as e:
            raise AltlabError(f"{'--public-key' if args.public_key else '--key-file'} {given}: cannot be read "
                              f"({e.strerror or e})", hint="the exam's public.pem (or, for HMAC bundles, its key) "
                              "is in ALTLAB_HOME/exams/EXAM/ on the proctor's host") from None
        if args.public_key:
            load_public_key(key, where=args.public_key)  # a bad file: one clear line, not a verdict
    else:  # on the proctor's host: the run's public key for Ed25519 bundles, its secret for old HMAC ones
        run, folder = exam_run(args), Path(args.report)
        run.require()  # "has not been started on this host", not a missing key file
        ed = signature_alg(folder if folder.is_dir() else folder.parent) == "Ed25519"
        key = run.public_key_file.read_bytes() if ed and run.public_key_file.exists() else run.key()
    if not Path(args.report).exists():
        raise AltlabError(f"report '{args.report}' does not exist", hint="a bundle folder or its report.json")
    problems = verify_report(Path(args.report), key)
    if problems:
        for p in problems:
            print(f"TAMPERED: {p}")
        return 1
    print(f"OK: {args.report} is exactly as signed")
    return 0


def cmd_exam_stats(args: argparse.Namespace) -> int:
    from ..exams.proctor import official_report
    from ..exams.stats import exam_stats, instance_values, render_stats

    run = exam_run(args)
    candidates = sorted(run.require().get("candidates", {}))
    docs = [d for d in (official_report(run, c) for c in candidates) if d]
    if not docs:
        raise AltlabError(f"no candidate of exam '{run.exam.id}' has been graded yet",
                          hint=f"altlab exam grade {run.exam.id} --all")
    stats = exam_stats(docs, instance_values(run, candidates))
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    con = console()
    for part in render_stats(stats):
        con.print(part)
    return 0
