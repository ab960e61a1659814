"""Benchmark: reset from the broken-state snapshot vs today's reset and a cold start, all in one run.

Per lab and round (alternating, so machine load hits every side alike):
  cold:        LabRunner.start() with snapshots off (ALTLAB_SNAPSHOT=0): up, break step, task
  cold+snap:   LabRunner.start() with the snapshot taken after the break step
  reset-old:   LabRunner.reset() with snapshots off (the lab's reset steps, else a fresh start)
  reset-snap:  LabRunner.reset() restoring the snapshot
and whether the restored state grades exactly like the fresh broken state (report minus times).
With --pool: start (cold, snapshot on) vs a claim from a filled hot-start pool (`altlab pool fill LAB 1`).
With --verify LAB: `altlab verify LAB` (all variants) with snapshots off (a start per variant) and on (variants
restored from the snapshot), alternating. Prints medians and ratios.
Usage: .venv/bin/python bench/bench_reset_pool.py [LAB ...] [--rounds N] [--verify LAB]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_altlab.catalog import Catalog
from pytest_altlab.grading import grade
from pytest_altlab.lab import LabRunner

TIMING = ("started_at", "finished_at", "duration_s")
LABS = ["probe", "rabbitmq-vhosts", "postgres-market-db", "nginx-ssl-termination"]
TEST_LABS = Path(__file__).resolve().parents[1] / "tests" / "labs"


def comparable(rep: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in rep.items() if k not in TIMING}
    out["checks"] = [{k: v for k, v in c.items() if k not in TIMING} for c in rep.get("checks", [])]
    return out


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def snapshots(on: bool) -> None:
    os.environ["ALTLAB_SNAPSHOT"] = "1" if on else "0"


def one_round(lab: str, runner: LabRunner) -> dict[str, float | bool]:
    out: dict[str, float | bool] = {}
    runner.stop()
    snapshots(False)
    out["cold"] = timed(runner.start)
    out["reset-old"] = timed(runner.reset)
    runner.stop()
    snapshots(True)
    out["cold+snap"] = timed(runner.start)
    _, fresh, _ = grade(lab, instance=runner.instance, quiet=True, record=False, lab_dirs=[TEST_LABS])
    # Change the state before the reset, so the restore has something to undo.
    if runner.manifest.solution_steps:
        runner.apply_steps(runner.context(), runner.manifest.solution_steps, "solution")
    out["reset-snap"] = timed(runner.reset)
    _, again, _ = grade(lab, instance=runner.instance, quiet=True, record=False, lab_dirs=[TEST_LABS])
    out["same report"] = comparable(again) == comparable(fresh)
    out["same statuses"] = [(c["id"], c["status"], c["awarded"]) for c in again["checks"]] == \
        [(c["id"], c["status"], c["awarded"]) for c in fresh["checks"]]
    runner.stop()
    return out


def bench_pool(labs: list[str], rounds: int) -> None:
    """Cold start vs a claim from the pool (start), and a reset from the snapshot vs a reset by pool swap."""
    from pytest_altlab.pool import claim, drain, fill, swap

    snapshots(True)
    rows = []
    for lab in labs:
        m = Catalog([TEST_LABS]).get(lab)
        runner = LabRunner(m, "bench-pool")
        t: dict[str, list[float]] = {"cold": [], "claim": [], "reset-snap": [], "reset-pool": []}
        for _ in range(rounds):
            runner.stop()
            t["cold"].append(timed(runner.start))
            t["reset-snap"].append(timed(runner.reset))
            fill(m, 1, echo=lambda s: None)
            old = runner.state()
            t0 = time.perf_counter()
            with runner.lock("reset"):
                assert swap(runner) is not None
            t["reset-pool"].append(time.perf_counter() - t0)
            _wait_gone(old.project if old else "")  # the old instance goes in the background: not in the next figure
            runner.stop()
            fill(m, 1, echo=lambda s: None)
            t0 = time.perf_counter()
            ctx = claim(runner, "debian", None, refill=False)
            t["claim"].append(time.perf_counter() - t0)
            assert ctx is not None
            _, rep, _ = grade(lab, instance=runner.instance, quiet=True, record=False, lab_dirs=[TEST_LABS])
            assert rep["score"] == 0, "a claimed instance is in the fresh broken state"
            runner.stop()
        drain(m)
        rows.append((lab, {k: statistics.median(v) for k, v in t.items()}))
    print(f"\nmedians of {rounds} rounds (seconds), load {os.getloadavg()[0]:.1f}")
    print(f"{'lab':24} {'cold start':>10} {'pool claim':>10} {'claim/cold':>10} {'reset snap':>10} "
          f"{'reset pool':>10} {'pool/cold':>9}")
    for lab, r in rows:
        print(f"{lab:24} {r['cold']:10.2f} {r['claim']:10.2f} {r['claim'] / r['cold']:10.3f} {r['reset-snap']:10.2f} "
              f"{r['reset-pool']:10.2f} {r['reset-pool'] / r['cold']:9.3f}")


def _wait_gone(project: str, within: float = 120) -> None:
    import subprocess

    deadline = time.monotonic() + within
    while time.monotonic() < deadline and subprocess.run(
            ["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={project}"],
            capture_output=True, text=True).stdout.strip():
        time.sleep(0.5)


def bench_verify(lab: str, rounds: int) -> None:
    from pytest_altlab.verify import verify_lab

    m = Catalog([TEST_LABS]).get(lab)
    times: dict[bool, list[float]] = {False: [], True: []}
    variant_s: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(rounds):
        for on in (False, True):
            snapshots(on)
            t0 = time.perf_counter()
            phases = verify_lab(m, echo=lambda s: None)
            times[on].append(time.perf_counter() - t0)
            variant_s[on] += [p.seconds for p in phases if p.name.startswith(("near-miss:", "alternative:"))]
            bad = [p.name for p in phases if not p.ok]
            print(f"snapshots {'on' if on else 'off'}: {times[on][-1]:.1f}s, {len(phases)} phases, failed: {bad}",
                  flush=True)
    off, on_ = statistics.median(times[False]), statistics.median(times[True])
    print(f"\nverify {lab} ({len(m.variants)} variants), medians of {rounds} rounds, load {os.getloadavg()[0]:.1f}")
    print(f"start per variant {off:6.1f}s   variants from the snapshot {on_:6.1f}s   ratio {on_ / off:.2f}")
    v_off, v_on = statistics.median(variant_s[False]), statistics.median(variant_s[True])
    print(f"one variant (median): {v_off:.1f}s with a start, {v_on:.1f}s from the snapshot, ratio {v_on / v_off:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("labs", nargs="*", default=LABS)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--verify", help="time `altlab verify` of this lab instead (snapshots off vs on)")
    ap.add_argument("--pool", action="store_true", help="time a claim from the hot-start pool vs a cold start")
    args = ap.parse_args()
    if args.pool:
        bench_pool(args.labs, args.rounds)
        return
    if args.verify:
        bench_verify(args.verify, args.rounds)
        return
    catalog = Catalog([TEST_LABS])
    rows = []
    for lab in args.labs:
        runner = LabRunner(catalog.get(lab), "bench-reset")
        results = [one_round(lab, runner) for _ in range(args.rounds)]
        med = {k: statistics.median(float(r[k]) for r in results) for k in ("cold", "cold+snap", "reset-old",
                                                                           "reset-snap")}
        same = "yes" if all(r["same report"] for r in results) else \
            "statuses only" if all(r["same statuses"] for r in results) else "NO"
        rows.append((lab, med, same))
        print(f"{lab}: {results}", flush=True)
    print(f"\nmedians of {args.rounds} rounds (seconds), load {os.getloadavg()[0]:.1f}")
    head = f"{'lab':24} {'cold':>6} {'cold+snap':>9} {'reset-old':>9} {'reset-snap':>10} " \
           f"{'snap/cold':>9} {'snap/old':>8} {'snapshot cost':>13} same-report"
    print(head)
    for lab, m, same in rows:
        print(f"{lab:24} {m['cold']:6.2f} {m['cold+snap']:9.2f} {m['reset-old']:9.2f} {m['reset-snap']:10.2f} "
              f"{m['reset-snap'] / m['cold']:9.2f} {m['reset-snap'] / m['reset-old']:8.2f} "
              f"{(m['cold+snap'] - m['cold']) / m['cold']:+12.0%} {same}")


if __name__ == "__main__":
    main()
