"""The hot-start pool on the real probe lab: fill, a claim hands out a ready broken instance once, stop cleans up."""

from __future__ import annotations

import threading
import time

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.context import LabContext
from pytest_altlab.grading import grade
from pytest_altlab.instance import state_dir
from pytest_altlab.lab import LabRunner
from pytest_altlab.pool import READY, claim, drain, fill, ready

from .conftest import TEST_LABS, altlab, leftovers


@pytest.fixture(autouse=True)
def snapshots_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots are opt-in (ALTLAB_SNAPSHOT=1); these tests are about them."""
    monkeypatch.setenv("ALTLAB_SNAPSHOT", "1")


@pytest.mark.docker
def test_two_concurrent_claims_get_one_ready_instance_and_never_the_same() -> None:
    m = Catalog([TEST_LABS]).get("probe")
    drain(m)
    assert fill(m, 1, seed="pool-test", echo=lambda s: None) == 1
    (pool_st,) = ready(m, "debian", "pool-test")
    assert ready(m, "debian", "another-seed") == [], "the pool is per seed"
    # An instance is claimable only once it is marked ready (after the break step and the snapshot).
    (pool_st.dir / READY).rename(pool_st.dir / "not-yet")
    assert claim(LabRunner(m, "claim-early"), "debian", "pool-test", refill=False) is None
    (pool_st.dir / "not-yet").rename(pool_st.dir / READY)

    runners = [LabRunner(m, "claim-a"), LabRunner(m, "claim-b")]
    got: dict[str, LabContext | None] = {}
    go = threading.Barrier(2)

    def one(r: LabRunner) -> None:
        go.wait()
        got[r.instance] = claim(r, "debian", "pool-test", refill=False)

    threads = [threading.Thread(target=one, args=(r,)) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    winners = [r for r in runners if got.get(r.instance) is not None]
    if len(winners) != 1:
        drain(m)
    assert len(winners) == 1, got
    (winner,) = winners
    loser = next(r for r in runners if r is not winner)
    assert loser.state() is None and ready(m, "debian", "pool-test") == []
    try:
        st = winner.state()
        assert st is not None and st.project == pool_st.project and st.instance == winner.instance
        _, rep, _ = grade("probe", instance=winner.instance, quiet=True, record=False, lab_dirs=[TEST_LABS])
        assert rep["score"] == 0 and rep["checks"][0]["status"] == "failed", "handed out in the fresh broken state"
        assert winner.reset()[1] == "restored from the snapshot", "the claimed instance keeps its snapshot"
    finally:
        left = winner.stop()
    assert not any(left.values()), left
    assert leftovers(pool_st.project) == {"containers": [], "networks": [], "volumes": []}
    assert winner.state() is None


@pytest.mark.docker
def test_reset_takes_a_ready_pool_instance_and_removes_the_old_one_behind() -> None:
    m = Catalog([TEST_LABS]).get("probe")
    drain(m)
    runner = LabRunner(m, "swap")
    runner.start(seed="swap-test")
    before = runner.state()
    assert before is not None
    runner.context().exec("box", "echo 42 > /srv/answer")  # the candidate's work, which a reset undoes
    assert fill(m, 1, seed="swap-test", echo=lambda s: None) == 1
    (pool_st,) = ready(m, "debian", "swap-test")
    try:
        res = altlab("--lab-dir", str(TEST_LABS), "reset", "probe", "--instance", "swap", "--yes")
        assert res.returncode == 0, res.stderr
        assert "from the hot-start pool" in res.stdout
        now = runner.state()
        assert now is not None and now.project == pool_st.project and now.instance == "swap"
        assert ready(m, "debian", "swap-test") == [], "the pool instance was handed out, not copied"
        _, rep, _ = grade("probe", instance="swap", quiet=True, record=False, lab_dirs=[TEST_LABS])
        assert rep["checks"][0]["status"] == "failed", "the fresh broken state, not the old work"
        # The old instance goes in the background: wait for it (a deadline, not a timing assertion).
        deadline = time.monotonic() + 120
        while any((left := leftovers(before.project)).values()) and time.monotonic() < deadline:
            time.sleep(1)
        assert not any(left.values()), f"the old instance's objects stay behind: {left}"
        # No pool instance left: the next reset restores the snapshot in place instead.
        res = altlab("--lab-dir", str(TEST_LABS), "reset", "probe", "--instance", "swap", "--yes")
        assert res.returncode == 0 and "from the hot-start pool" not in res.stdout, res.stdout + res.stderr
    finally:
        left = runner.stop()
        drain(m)
    assert not any(left.values()), left


@pytest.mark.docker
def test_an_instance_stopped_earlier_still_claims_from_the_pool() -> None:
    # `altlab stop` keeps the instance's lock file (see lab.guard): that folder is no instance, and must not
    # keep the next `altlab start` of the same instance away from the pool.
    m = Catalog([TEST_LABS]).get("probe")
    drain(m)
    runner = LabRunner(m, "again")
    runner.start(seed="again-test")
    runner.stop()
    assert runner.state() is None and state_dir(runner.project).exists()
    assert fill(m, 1, seed="again-test", echo=lambda s: None) == 1
    try:
        assert claim(runner, "debian", "again-test", refill=False) is not None
        assert runner.state() is not None
    finally:
        left = runner.stop()
        drain(m)
    assert not any(left.values()), left
