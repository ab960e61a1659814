"""Benchmark: `altlab start` vs a raw `docker compose up --wait` of the same stack, and grading time.

Both sides are measured in the same run, alternating, as a user runs them (fresh processes):
  raw:     docker compose -p <p> -f <the lab's generated compose file> up -d --wait
  altlab:  altlab start LAB   (images present; includes the break step and the task)
  grade:   pytest --lab LAB on a ready lab (a fresh pytest process, as a candidate runs it)
Prints medians and the ratio. Usage: .venv/bin/python bench/bench_start_grade.py [LAB] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from pytest_altlab.catalog import Catalog
from pytest_altlab.composefile import render_compose
from pytest_altlab.images import ensure_images


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(argv, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t0
    if res.returncode not in (0, 1):  # pytest exits 1 when checks fail: that is a result, not an error
        sys.exit(f"failed: {' '.join(argv)}\n{res.stderr[-2000:]}")
    return dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("lab", nargs="?", default="rabbitmq-vhosts")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="altlab-bench-")
    env = {**os.environ, "ALTLAB_HOME": home}
    m = Catalog().get(args.lab)
    ensure_images(m, "debian", echo=lambda s: print(s, file=sys.stderr))
    bindir = Path(sys.executable).parent
    altlab, pytest_bin, docker = str(bindir / "altlab"), str(bindir / "pytest"), shutil.which("docker") or "docker"

    raw_file = Path(home) / "raw-compose.yaml"
    raw_project = "altlab-bench-raw"
    raw_file.write_text(yaml.safe_dump(render_compose(m, "debian", raw_project)))
    raw_up = [docker, "compose", "-p", raw_project, "-f", str(raw_file), "up", "-d", "--wait"]
    raw_down = [docker, "compose", "-p", raw_project, "-f", str(raw_file), "down", "-v", "-t", "5"]

    raw_t, start_t, grade_t = [], [], []
    for i in range(args.rounds):
        order = ["raw", "altlab"] if i % 2 == 0 else ["altlab", "raw"]  # alternate: no side always goes first
        for side in order:
            if side == "raw":
                raw_t.append(timed(raw_up, env))
                subprocess.run(raw_down, capture_output=True, env=env)
            else:
                start_t.append(timed([altlab, "start", args.lab, "--instance", "bench"], env))
                for _ in range(2):
                    grade_t.append(timed([pytest_bin, "--lab", args.lab, "--lab-instance", "bench", "-q",
                                          "-p", "no:cacheprovider"], env))
                subprocess.run([altlab, "stop", args.lab, "--instance", "bench"], capture_output=True, env=env)
        print(f"round {i + 1}: raw {raw_t[-1]:.2f}s  altlab start {start_t[-1]:.2f}s  "
              f"grade {grade_t[-2]:.2f}s / {grade_t[-1]:.2f}s", flush=True)

    raw, start, grade = statistics.median(raw_t), statistics.median(start_t), statistics.median(grade_t)
    print(f"\n{args.lab}, {args.rounds} rounds, medians:")
    print(f"  raw docker compose up --wait : {raw:.2f} s")
    print(f"  altlab start                 : {start:.2f} s   ratio {start / raw:.2f}x  (target <= 1.10x)")
    print(f"  pytest --lab (ready lab)     : {grade:.2f} s   (target <= 2 s)")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
