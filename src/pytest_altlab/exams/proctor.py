"""Proctoring an exam run: start, watch, restart, grade (into signed bundles) and stop its candidates."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from .. import __version__
from ..backends import get_engine
from ..errors import AltlabError
from ..grading.forkclient import pytest_process
from ..images import ensure_images
from ..lab import LabRunner
from ..report import write_json_doc
from ..store import Store
from .manifest import candidate_seed
from .reports import candidate_html, gradescope, rollup_csv, rollup_html, write_junit
from .run import ExamRun, now
from .signing import load_private_key, sign_bundle_ed25519, verify_bundle
from .tamper import scan as scan_tamper

__all__ = ["candidate_deadline", "candidate_status", "grade_candidates", "grade_one", "official_report",
           "proctor_loop", "restart_candidate", "start_candidates", "stop_candidates", "verify_report", "write_room"]

Progress = Callable[[str, str], None]  # (candidate, what happened)


# --- starting ----------------------------------------------------------------------------------------

def start_candidates(run: ExamRun, candidates: list[str], *, seed: str | None = None, parallel: int = 4,
                     minutes: float | None = None, flavour: str = "debian", timeout: float = 300,
                     progress: Progress = lambda c, s: None) -> dict[str, str]:
    """Start every candidate's labs, candidates in parallel; returns candidate -> "ready" or the error."""
    for c in candidates:
        run.instance_of(c)  # validate every id before anything starts
    data = run.begin(seed, minutes, flavour)
    for x in run.exam.labs:  # build once, before the threads: no two threads build one image
        ensure_images(run.catalog.get(x.lab), data["flavour"], echo=lambda s: progress("-", s))
    for c in candidates:
        run.set_candidate(c, state="starting", error="")

    def one(c: str) -> str:
        seed_c = candidate_seed(data["seed"], c)
        started: list[LabRunner] = []
        try:
            for r in run.runners(c):
                progress(c, f"starting {r.manifest.id}")
                r.start(flavour=data["flavour"], seed=seed_c, timeout=timeout)
                started.append(r)
                st = r.state()
                if st is not None:  # shells refuse after the deadline; see `altlab shell`
                    st.exam = {"id": run.exam.id, "candidate": c, "deadline": data["deadline"]}
                    st.save()
            run.set_candidate(c, state="ready", error="", ready_at=now().isoformat(timespec="seconds"))
            progress(c, "ready")
            return "ready"
        except (AltlabError, KeyboardInterrupt) as e:
            for r in started:
                r.stop()
            run.set_candidate(c, state="failed", error=str(e))
            progress(c, f"failed: {e}")
            if isinstance(e, KeyboardInterrupt):
                raise
            return str(e)

    out: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        futures = {pool.submit(one, c): c for c in candidates}
        for f in as_completed(futures):
            out[futures[f]] = f.result()
    return out


def candidate_status(run: ExamRun) -> list[dict[str, Any]]:
    """Each candidate's state, with 'down' where a lab's containers are gone or stopped."""
    data = run.require()
    running = get_engine().running_projects()
    left = (dt.datetime.fromisoformat(data["deadline"]) - now()).total_seconds()
    rows = []
    for cid, info in sorted(data.get("candidates", {}).items()):
        labs = {}
        for r in run.runners(cid):
            labs[r.manifest.id] = "running" if r.project in running else "down"
        state = info.get("state", "?")
        if state in ("ready", "graded") and any(v == "down" for v in labs.values()):
            state = "down"  # an environment that died mid-exam
        rows.append({"candidate": cid, "state": state, "labs": labs, "seconds_left": max(0, int(left)),
                     "score": info.get("percent"), "attempts": len(run.bundles(cid)), "error": info.get("error", "")})
    return rows


def restart_candidate(run: ExamRun, cid: str, timeout: float = 300) -> dict[str, list[str]]:
    """A candidate whose environment died gets back only what is down (stopped, paused or removed containers),
    with every volume kept: their work survives. A lab that never started (no state) starts afresh.
    Returns lab -> the services started again ("(started)" for a fresh start); no one else is touched."""
    data = run.require()
    if cid not in data.get("candidates", {}):
        raise AltlabError(f"no candidate '{cid}' in exam '{run.exam.id}'")
    done: dict[str, list[str]] = {}
    missing = []
    for r in run.runners(cid):
        r.recover()  # a start of theirs that died half-way held nothing of theirs yet
        if r.state() is None:
            missing.append(r)
            continue
        _, down = r.resume(timeout)
        done[r.manifest.id] = down
    if missing:
        run.set_candidate(cid, state="restarting")
        seed_c = candidate_seed(data["seed"], cid)
        for r in missing:
            r.start(flavour=data["flavour"], seed=seed_c, timeout=timeout)
            st = r.state()
            if st is not None:
                st.exam = {"id": run.exam.id, "candidate": cid, "deadline": data["deadline"]}
                st.save()
            done[r.manifest.id] = ["(started)"]
        run.set_candidate(cid, state="ready", error="")
    return done


def stop_candidates(run: ExamRun, candidates: list[str]) -> None:
    for cid in run.known(candidates):
        for r in run.runners(cid):
            r.stop()
        run.set_candidate(cid, state="stopped")


# --- grading -----------------------------------------------------------------------------------------

def _image_digests(runners: list[LabRunner]) -> dict[str, str]:
    engine = get_engine()
    out = {}
    for r in runners:
        st = r.state()
        for svc, info in (st.servers if st else {}).items():
            image = info.get("image", "")
            digest = engine.image_id(image)
            out[f"{r.manifest.id}/{svc}"] = f"{image}@{digest}" if digest else image
    return out


def grade_one(run: ExamRun, cid: str, *, final: bool = False) -> dict[str, Any]:
    """Grade a candidate's labs in a fresh pytest process (a child of the fork server); write a signed bundle.
    Only the final grading runs the restart phase: a progress grading mid-exam never restarts the services."""
    data = run.require()
    info = data.get("candidates", {}).get(cid, {})
    deadline = candidate_deadline(data, cid)  # the run's, plus any extra time the proctor granted
    after_deadline = now() > deadline and not final
    # Before grading restarts anything: a recreated container would no longer show a replaced binary.
    tamper, tamper_unchecked = scan_tamper(run.runners(cid))
    with tempfile.TemporaryDirectory(prefix="altlab-exam-") as tmp:
        report = Path(tmp) / "report.json"
        lab_dirs = [a for d in run.catalog.dirs[:-1] for a in ("--lab-dir", str(d.resolve()))]
        argv = [*lab_dirs, "--exam", str(run.exam.file.resolve()), "--candidate", cid,
                *(["--lab-persistence"] if final else []), "--lab-report", str(report), "-q", "-p", "no:cacheprovider",
                "--rootdir", tmp, "-o", "addopts="]
        code, output = pytest_process(argv, cwd=Path(tmp))  # a child of the fork server, or `python -m pytest`
        try:
            doc: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise AltlabError(f"grading {cid} produced no report (pytest exit code {code})",
                              hint=output[-1500:]) from None
        if code not in (0, 1):
            # pytest died or stopped early: the bundle says so, with its last words, instead of a clean-looking 0.
            last = output.strip().splitlines()[-1:] or [""]
            doc["error"] = f"{doc.get('error') or 'the grading stopped early'} (pytest exit code " \
                           f"{code}{': ' + last[0][:300] if last[0] else ''})"
    attempt = len(run.bundles(cid)) + 1
    runners = run.runners(cid)
    doc.update({
        "attempt": attempt, "final": final, "after_deadline": after_deadline, "run_id": data["run_id"],
        "deadline": deadline.isoformat(timespec="seconds"), "checker_version": __version__,
        "accommodations": info.get("accommodations", []),
        "lab_versions": {r.manifest.id: r.manifest.version for r in runners},
        "image_digests": _image_digests(runners), "tamper": tamper,
        **({"tamper_unchecked": tamper_unchecked} if tamper_unchecked else {}),
    })
    bundle = run.dir / "reports" / cid / f"attempt-{attempt}"
    bundle.mkdir(parents=True, exist_ok=True)
    write_json_doc(doc, bundle / "report.json")
    write_json_doc(gradescope(doc), bundle / "results.json")
    write_junit(doc, bundle / "junit.xml")
    (bundle / "report.html").write_text(candidate_html(doc, proctor=True), encoding="utf-8")
    (bundle / "candidate.html").write_text(candidate_html(doc, proctor=False), encoding="utf-8")
    _copy_recordings(run.dir / "recordings" / cid, bundle / "recordings")
    run.ensure_keypair()
    sign_bundle_ed25519(bundle, load_private_key(run.private_key_file), data["run_id"])
    Store().add_exam_attempt(run.exam.id, data["run_id"], cid, attempt, doc, final, str(bundle))
    fields: dict[str, Any] = {"last_attempt": attempt}
    if not after_deadline:  # later changes never replace the result taken at the time limit
        fields.update(state="graded", percent=doc["percent"], passed=doc["passed"])
    run.set_candidate(cid, **fields)
    return doc


def _copy_recordings(src: Path, dst: Path) -> None:
    """The candidate's terminal recordings so far (the portal writes them), signed with the rest of the bundle."""
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)


def grade_candidates(run: ExamRun, candidates: list[str], *, final: bool = False, parallel: int = 4,
                     progress: Progress = lambda c, s: None) -> dict[str, dict[str, Any] | str]:
    out: dict[str, dict[str, Any] | str] = {}
    run.known(candidates)

    def one(c: str) -> dict[str, Any] | str:
        progress(c, "grading")
        try:
            doc = grade_one(run, c, final=final)
            progress(c, f"{doc['percent']:g}% {'passed' if doc['passed'] else 'not passed'}")
            return doc
        except AltlabError as e:
            progress(c, f"grading failed: {e.message}")
            return str(e)

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        futures = {pool.submit(one, c): c for c in candidates}
        for f in as_completed(futures):
            out[futures[f]] = f.result()
    if final:
        with run.locked() as data:
            data["final_graded"] = True
    write_room(run)
    return out


def official_report(run: ExamRun, cid: str) -> dict[str, Any] | None:
    """The result that counts: the final (time-limit) attempt if there is one, else the latest in time."""
    docs = [json.loads((b / "report.json").read_text()) for b in run.bundles(cid)]
    final = [d for d in docs if d.get("final")]
    in_time = [d for d in docs if not d.get("after_deadline")]
    return (final or in_time or [None])[-1]


def write_room(run: ExamRun) -> tuple[Path, Path]:
    data = run.require()
    docs = [d for d in (official_report(run, c) for c in sorted(data.get("candidates", {}))) if d]
    html_path, csv_path = run.dir / "room.html", run.dir / "room.csv"
    html_path.write_text(rollup_html(run.exam.title, docs), encoding="utf-8")
    csv_path.write_text(rollup_csv(docs), encoding="utf-8")
    return html_path, csv_path


def candidate_deadline(data: dict[str, Any], cid: str) -> dt.datetime:
    """The run's deadline plus the candidate's extra time (an accommodation granted in the portal)."""
    extra = float(data.get("candidates", {}).get(cid, {}).get("extra_minutes", 0))
    return dt.datetime.fromisoformat(data["deadline"]) + dt.timedelta(minutes=extra)


def proctor_loop(run: ExamRun, *, parallel: int = 4, poll: float = 5.0,
                 progress: Progress = lambda c, s: None) -> dict[str, dict[str, Any] | str]:
    """Grade each candidate once, as final, when their time limit passes (later for those given extra time)."""
    done: dict[str, dict[str, Any] | str] = {}
    while True:
        data = run.require()
        pending = {c: candidate_deadline(data, c) for c, i in data.get("candidates", {}).items()
                   if i.get("state") not in ("failed", "stopped") and c not in done and not i.get("finished_at")}
        due = [c for c, d in pending.items() if d <= now()]
        if due:
            done.update(grade_candidates(run, due, final=True, parallel=parallel, progress=progress))
        if len(due) == len(pending):
            return done
        time.sleep(min(poll, max(0.1, min((d - now()).total_seconds() for c, d in pending.items() if c not in due))))


def verify_report(bundle: Path, key: bytes) -> list[str]:
    folder = bundle if bundle.is_dir() else bundle.parent
    return verify_bundle(folder, key)
