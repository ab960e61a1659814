"""Benchmark table: each figure beside its baseline measured in the same run, and the ratio.

  start : `altlab start LAB` vs a raw `docker compose up -d --wait` of the same generated compose file
  grade : `altlab grade LAB` (forked by the resident grader) vs `pytest --lab LAB`, both on a ready lab
  probe : the same on the tests' probe lab, whose checks cost next to nothing (the harness's own cost)
  room  : N candidates graded (no restart phase) via the fork server vs a `python -m pytest` process each
Rounds alternate the order of the two sides, medians are shown. Usage:
  .venv/bin/python bench/bench_all.py [LAB] [--rounds 5] [--room 20] [--grade-parallel CORES+1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from bench_exam_room import quick_room
from bench_start_grade import timed

from pytest_altlab.catalog import Catalog
from pytest_altlab.composefile import render_compose
from pytest_altlab.grading.forkclient import stop_server
from pytest_altlab.images import ensure_images


def start_and_grade(lab: str, rounds: int, home: Path, env: dict[str, str]) -> dict[str, list[float]]:
    m = Catalog().get(lab)
    ensure_images(m, "debian", echo=lambda s: print(s, file=sys.stderr))
    bindir = Path(sys.executable).parent
    altlab, pytest_bin, docker = str(bindir / "altlab"), str(bindir / "pytest"), shutil.which("docker") or "docker"
    raw_file, raw_project = home / "raw-compose.yaml", "altlab-benchall-raw"
    raw_file.write_text(yaml.safe_dump(render_compose(m, "debian", raw_project)))
    raw = [docker, "compose", "-p", raw_project, "-f", str(raw_file)]
    t: dict[str, list[float]] = {"raw": [], "start": [], "pytest": [], "forked": []}
    try:
        _rounds(lab, rounds, t, raw, altlab, pytest_bin, env)
    finally:  # also on Ctrl-C: nothing of the bench stays behind
        subprocess.run([*raw, "down", "-v", "-t", "5"], capture_output=True, env=env)
        subprocess.run([altlab, "stop", lab, "--instance", "bench"], capture_output=True, env=env)
    return t


def _rounds(lab: str, rounds: int, t: dict[str, list[float]], raw: list[str], altlab: str, pytest_bin: str,
            env: dict[str, str]) -> None:
    for i in range(rounds):
        for side in (["raw", "altlab"] if i % 2 == 0 else ["altlab", "raw"]):
            if side == "raw":
                t["raw"].append(timed([*raw, "up", "-d", "--wait"], env))
                subprocess.run([*raw, "down", "-v", "-t", "5"], capture_output=True, env=env)
                continue
            t["start"].append(timed([altlab, "start", lab, "--instance", "bench"], env))
            if i == 0:  # the first grading starts the fork server: a one-off, left out of the figure
                timed([altlab, "grade", lab, "--instance", "bench"], env)
            for j in range(3):
                grades = [("pytest", [pytest_bin, "--lab", lab, "--lab-instance", "bench", "-q", "-p",
                                      "no:cacheprovider"]), ("forked", [altlab, "grade", lab, "--instance", "bench"])]
                for name, argv in grades if (i + j) % 2 == 0 else reversed(grades):
                    t[name].append(timed(argv, env))
            subprocess.run([altlab, "stop", lab, "--instance", "bench"], capture_output=True, env=env)
        print(f"round {i + 1}: raw {t['raw'][-1]:.2f}s  start {t['start'][-1]:.2f}s  "
              f"pytest --lab {t['pytest'][-1]:.2f}s  altlab grade {t['forked'][-1]:.2f}s", flush=True, file=sys.stderr)


def harness_only(rounds: int, env: dict[str, str]) -> dict[str, list[float]]:
    """The same two gradings on the tests' probe lab, whose checks cost next to nothing: the harness's own cost."""
    bindir = Path(sys.executable).parent
    labs = ["--lab-dir", str(Path(__file__).resolve().parents[1] / "tests" / "labs")]
    altlab, pytest_bin = str(bindir / "altlab"), str(bindir / "pytest")
    subprocess.run([altlab, *labs, "start", "probe", "--instance", "bench"], capture_output=True, env=env, check=True)
    t: dict[str, list[float]] = {"pytest": [], "forked": []}
    try:
        for i in range(rounds * 3):
            grades = [("pytest", [pytest_bin, *labs, "--lab", "probe", "--lab-instance", "bench", "-q", "-p",
                                  "no:cacheprovider"]),
                      ("forked", [altlab, *labs, "grade", "probe", "--instance", "bench"])]
            for name, argv in grades if i % 2 == 0 else reversed(grades):
                t[name].append(timed(argv, env))
    finally:
        subprocess.run([altlab, *labs, "stop", "probe", "--instance", "bench"], capture_output=True, env=env)
    return t


def room(lab: str, n: int, parallel: int, home: Path, env: dict[str, str]) -> tuple[float, float, int]:
    exam = home / "room.yaml"
    exam.write_text(f"id: room-bench\ntitle: Room benchmark\ntime_limit: 120\npass_mark: 70\nlabs: [{lab}]\n")
    altlab = [sys.executable, "-m", "pytest_altlab.cli"]
    cands = [f"c{i:02d}" for i in range(1, n + 1)]
    try:
        res = subprocess.run([*altlab, "exam", "start", str(exam), "--candidates", ",".join(cands), "--parallel", "6"],
                             env=env, capture_output=True, text=True)
        status = subprocess.run([*altlab, "exam", "status", str(exam), "--json"], env=env, capture_output=True,
                                text=True)
        rows = json.loads(status.stdout or "[]")
        ready = [r["candidate"] for r in rows if r.get("state") == "ready"]
        if res.returncode != 0:  # on a loaded machine a candidate may miss the start timeout: grade the others
            print(f"room: {len(ready)} of {n} ready:\n{res.stderr[-800:]}", file=sys.stderr)
        if not ready:
            sys.exit("the room did not start")
        cands = ready
        plain, _ = quick_room(exam, home, cands, parallel, resident=False)
        forked, _ = quick_room(exam, home, cands, parallel, resident=True)
        return forked, plain, len(cands)
    finally:
        subprocess.run([*altlab, "exam", "stop", str(exam), "--all"], env=env, capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("lab", nargs="?", default="rabbitmq-vhosts")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--room", type=int, default=20, help="candidates in the room (0: skip the room)")
    ap.add_argument("--grade-parallel", type=int, default=(os.cpu_count() or 2) + 1)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="altlab-benchall-"))
    os.environ["ALTLAB_HOME"] = str(home)
    env = dict(os.environ)
    rows: list[tuple[str, float, str, float, str]] = []
    try:
        t = start_and_grade(args.lab, args.rounds, home, env)
        med = {k: statistics.median(v) for k, v in t.items()}
        rows.append((f"altlab start {args.lab}", med["start"], "raw compose up --wait", med["raw"], "<= 1.10x"))
        rows.append((f"altlab grade {args.lab} (fork server)", med["forked"], "pytest --lab", med["pytest"],
                     "<= 0.4 s"))
        h = {k: statistics.median(v) for k, v in harness_only(args.rounds, env).items()}
        rows.append(("altlab grade probe (fork server; checks cost ~0)", h["forked"], "pytest --lab", h["pytest"],
                     ""))
        if args.room:
            forked, plain, graded = room(args.lab, args.room, args.grade_parallel, home, env)
            rows.append((f"room of {graded} graded, {args.grade_parallel} at a time (fork server)", forked,
                         "a pytest process each", plain, "<= 8 s"))
    finally:
        stop_server()
        shutil.rmtree(home, ignore_errors=True)
    load = os.getloadavg()
    print(f"\n{args.lab}, {args.rounds} rounds (grading: 3 per round and side), medians; {os.cpu_count()} cores, "
          f"load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} at the end\n")
    print("| figure | measured | baseline (same run) | baseline | ratio | goal |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, value, base_name, base, goal in rows:
        print(f"| {name} | {value:.2f} s | {base_name} | {base:.2f} s | {value / base:.2f}x | {goal} |")


if __name__ == "__main__":
    main()
