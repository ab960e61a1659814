"""Instant reset on the real probe lab: the snapshot after the break step, restored by reset, removed by stop."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pytest_altlab.backends.snapshots import SNAPSHOT_LABEL, blockers
from pytest_altlab.catalog import Catalog
from pytest_altlab.grading import grade
from pytest_altlab.lab import LabRunner
from pytest_altlab.lab.snapshot import has_snapshot, take_snapshot

from .conftest import TEST_LABS


@pytest.fixture(autouse=True)
def snapshots_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots are opt-in (ALTLAB_SNAPSHOT=1); these tests are about them."""
    monkeypatch.setenv("ALTLAB_SNAPSHOT", "1")

TIMING = ("started_at", "finished_at", "duration_s")


def comparable(rep: dict[str, Any]) -> dict[str, Any]:
    """A report without what differs between two gradings of one state: times and durations."""
    out = {k: v for k, v in rep.items() if k not in TIMING}
    out["checks"] = [{k: v for k, v in c.items() if k not in TIMING} for c in rep["checks"]]
    return out


def snapshot_objects(project: str) -> list[str]:
    out = []
    for kind in ("image", "volume"):
        res = subprocess.run(["docker", kind, "ls", "-q", "--filter", f"label={SNAPSHOT_LABEL}={project}"],
                             capture_output=True, text=True, check=True)
        out += res.stdout.split()
    return out


def read(runner: LabRunner, path: str) -> str:
    res = runner.context().exec("box", ["sh", "-c", f"cat {path} 2>/dev/null || echo MISSING"])
    return res.stdout.strip()


@pytest.mark.docker
def test_reset_restores_the_snapshot_and_grades_like_the_fresh_broken_state() -> None:
    inst = "snapshot-test"
    runner = LabRunner(Catalog([TEST_LABS]).get("probe"), inst)
    runner.stop()
    ctx = runner.start()
    try:
        assert has_snapshot(ctx.state), "start snapshots the broken state"
        # A break step that also changes the container's own filesystem (the probe's only touches its volume):
        # make that change and snapshot again, as start does right after the break step.
        ctx.exec("box", ["sh", "-c", "echo broken > /etc/altlab-broken"])
        assert take_snapshot(ctx, print)
        _, fresh, _ = grade("probe", instance=inst, quiet=True, record=False, lab_dirs=[TEST_LABS])
        assert fresh["score"] == 0
        ports = runner.state().ports  # type: ignore[union-attr]

        # The candidate's work: the answer in the volume, a new file and a removed one in the container.
        runner.apply_steps(runner.context(), runner.manifest.solution_steps, "solution")
        runner.context().exec("box", ["sh", "-c", "echo mine > /etc/candidate; rm /etc/altlab-broken; touch /srv/x"])
        _, solved, _ = grade("probe", instance=inst, quiet=True, record=False, lab_dirs=[TEST_LABS])
        assert solved["score"] > 0

        ctx, how = runner.reset()
        assert how == "restored from the snapshot"
        assert read(runner, "/etc/altlab-broken") == "broken"
        assert read(runner, "/etc/candidate") == "MISSING"
        assert read(runner, "/srv/x") == "MISSING", "the volume holds exactly the snapshot's files"
        assert runner.state().ports == ports, "the candidate's clients keep their host ports"  # type: ignore[union-attr]
        _, again, _ = grade("probe", instance=inst, quiet=True, record=False, lab_dirs=[TEST_LABS])
        assert comparable(again) == comparable(fresh)
        project = runner.project
        assert snapshot_objects(project)
    finally:
        left = runner.stop()
    assert not any(left.values()), left
    assert snapshot_objects(project) == [], "stop removes the snapshot images and volume"


def test_state_a_commit_misses_blocks_a_snapshot() -> None:
    host = {"HostConfig": {"Tmpfs": {"/run": ""}},
            "Mounts": [{"Type": "bind", "Source": "/sys/fs/cgroup", "RW": False}]}
    files = {"HostConfig": {}, "Mounts": [{"Type": "bind", "Source": "/home/x", "RW": True}]}
    plain = {"HostConfig": {}, "Mounts": [{"Type": "volume", "Name": "v", "Destination": "/srv", "RW": True}]}
    why = blockers({"host": host, "files": files, "box": plain})
    assert len(why) == 2 and "tmpfs" in why[0] and "/home/x" in why[1]
    assert blockers({"box": plain}) == []


def test_verify_refuses_a_snapshot_that_grades_otherwise_than_the_fresh_state() -> None:
    # A snapshot holds files and volumes, not processes: a lab whose break step started clients grades
    # otherwise after a restore, and verify must say so instead of running its variants from it.
    from pytest_altlab.verify import _restored_like_fresh

    class Runner:
        resets = 0

        def reset(self) -> None:
            Runner.resets += 1

    fresh = {"checks": [{"id": "test_clients", "status": "failed", "message": "found 3 stale workers"}]}
    same = _restored_like_fresh(Runner(), lambda persistence: fresh, fresh)  # type: ignore[arg-type]
    assert same[0] and Runner.resets == 1
    gone = {"checks": [{"id": "test_clients", "status": "failed", "message": "found 0 stale workers"}]}
    ok, outcome, detail = _restored_like_fresh(Runner(), lambda persistence: gone, fresh)  # type: ignore[arg-type]
    assert not ok and "test_clients" in detail and "snapshot: false" in detail, detail


def test_a_lab_may_refuse_snapshots(tmp_path: Path) -> None:
    import shutil

    from pytest_altlab.instance import InstanceState
    from pytest_altlab.lab.snapshot import unsupported
    from pytest_altlab.manifest import load_manifest

    shutil.copytree(TEST_LABS / "probe", tmp_path / "probe")
    f = tmp_path / "probe" / "lab.yaml"
    f.write_text(f.read_text() + "snapshot: false\n")
    m = load_manifest(tmp_path / "probe")
    os.environ["ALTLAB_SNAPSHOT"] = "1"
    try:
        why = unsupported(m, InstanceState(lab_id="probe", instance="x", project="p", backend="compose",
                                           flavour="debian", seed="s", params={}))
    finally:
        del os.environ["ALTLAB_SNAPSHOT"]
    assert why and "snapshot: false" in why
