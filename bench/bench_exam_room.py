"""Benchmark: how many rabbitmq-vhosts candidate environments one machine holds, and how fast.

Starts N candidates of a one-lab exam in parallel (as `altlab exam start` does), measures the time until
all are ready, the memory the containers use, then grades all of them without the restart phase (a
pytest process per candidate vs forked by the resident grader, same run) and with it (as the final
grading does) and measures that. Usage:
  .venv/bin/python bench/bench_exam_room.py [--candidates 20] [--parallel 6] [--grade-parallel CORES+1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def quick_room(exam: Path, home: Path, cands: list[str], parallel: int, *, resident: bool) -> tuple[float, list[int]]:
    """Grade every candidate once (no restart phase), `parallel` at a time; returns (wall seconds, exit codes).
    resident: through the fork server (as the proctor and the portal grade), else `python -m pytest` each."""
    from concurrent.futures import ThreadPoolExecutor

    os.environ["ALTLAB_HOME"] = str(home)  # the fork server client sends this process's environment
    from pytest_altlab.grading.forkclient import ForkServerError, run_pytest

    def one(c: str) -> int:
        argv = ["--exam", str(exam), "--candidate", c, "-q", "-p", "no:cacheprovider", "--lab-no-progress"]
        if resident:
            try:
                return run_pytest(argv, cwd=home)[0]
            except ForkServerError as e:
                sys.exit(f"the fork server failed: {e}")
        return subprocess.run([sys.executable, "-m", "pytest", *argv], capture_output=True, cwd=home).returncode

    if resident:
        one(cands[0])  # starts the server: a one-off, not part of the room's figure
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        codes = list(pool.map(one, cands))
    return time.perf_counter() - t0, codes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--candidates", type=int, default=20)
    ap.add_argument("--parallel", type=int, default=6)
    ap.add_argument("--grade-parallel", type=int, default=(os.cpu_count() or 2) + 1)
    ap.add_argument("--lab", default="rabbitmq-vhosts")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="altlab-room-"))
    exam = home / "room.yaml"
    exam.write_text(f"id: room-bench\ntitle: Room benchmark\ntime_limit: 120\npass_mark: 70\nlabs: [{args.lab}]\n")
    env = {**os.environ, "ALTLAB_HOME": str(home)}
    altlab = [sys.executable, "-m", "pytest_altlab.cli"]
    names = ",".join(f"c{i:02d}" for i in range(1, args.candidates + 1))
    try:
        t0 = time.perf_counter()
        res = subprocess.run([*altlab, "exam", "start", str(exam), "--candidates", names, "--parallel",
                              str(args.parallel)], env=env, capture_output=True, text=True)
        t_start = time.perf_counter() - t0
        print(res.stdout.strip().splitlines()[-1] if res.stdout.strip() else res.stderr[-2000:])
        stats = subprocess.run(["docker", "stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}"],
                               capture_output=True, text=True).stdout.splitlines()
        mib = 0.0
        for line in stats:
            if not line.startswith("altlab-"):
                continue
            used = line.split(" ", 1)[1].split("/")[0].strip()
            if used.endswith("GiB"):
                mib += float(used[:-3]) * 1024
            elif used.endswith("MiB"):
                mib += float(used[:-3])
        free = subprocess.run(["free", "-m"], capture_output=True, text=True).stdout.splitlines()[1].split()
        # A quick grading of everyone (no restart phase): what a proctor's mid-exam check costs, once with a
        # fresh pytest process per candidate (the old way) and once forked by the resident grader.
        cands = [f"c{i:02d}" for i in range(1, args.candidates + 1)]
        t_quick, _ = quick_room(exam, home, cands, args.grade_parallel, resident=False)
        t_forked, _ = quick_room(exam, home, cands, args.grade_parallel, resident=True)
        t0 = time.perf_counter()
        res = subprocess.run([*altlab, "exam", "grade", str(exam), "--all", "--parallel", str(args.grade_parallel)],
                             env=env, capture_output=True, text=True)
        t_grade = time.perf_counter() - t0
        graded = sum(1 for line in res.stdout.splitlines() if "% " in line)
        print(f"\n{args.candidates} x {args.lab} on {os.cpu_count()} cores:")
        print(f"  all ready after            : {t_start:.1f} s   (goal: 20 within 90 s)")
        print(f"  containers' memory         : {mib:.0f} MiB ({mib / max(1, args.candidates):.0f} MiB each); "
              f"host used {free[2]} of {free[1]} MiB")
        print(f"  grading all, no restart    : {t_quick:.1f} s for {len(cands)} candidates, a pytest process each")
        print(f"  the same via the fork server: {t_forked:.1f} s   ratio {t_forked / t_quick:.2f}x  (goal: <= 8 s)")
        print(f"  final grading (with broker restarts, signed bundles): {t_grade:.1f} s for {graded} candidates")
    finally:
        from pytest_altlab.grading.forkclient import stop_server

        stop_server()
        subprocess.run([*altlab, "exam", "stop", str(exam), "--all"], env=env, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
