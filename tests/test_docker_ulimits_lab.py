"""The docker-ulimits-stack lab: the container helper's parsers, the engine-limits probe, and grading only reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_altlab import docker
from pytest_altlab.catalog import Catalog
from pytest_altlab.grading import grade
from pytest_altlab.helpers.container import Limit, grantable_limits, is_anonymous_volume, mount_holding, parse_limits
from pytest_altlab.lab import LabRunner

LIMITS = """\
Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 65536                files
Max locked memory         unlimited            unlimited            bytes
Max processes             unlimited            unlimited            processes
"""

# --- text formats (no Docker) ---------------------------------------------------------------------


def test_parse_limits_reads_soft_and_hard() -> None:
    rows = parse_limits(LIMITS)
    assert rows["Max open files"] == Limit(1024, 65536)
    assert rows["Max locked memory"] == Limit(None, None)
    assert rows["Max cpu time"] == Limit(None, None)


def test_a_limit_counts_only_when_soft_and_hard_allow_it() -> None:
    assert not Limit(1024, 65536).at_least(65536)  # the process runs with the soft limit
    assert Limit(65536, 65536).at_least(65536) and Limit(None, None).at_least(65536)
    assert not Limit(8388608, 8388608).at_least(None)  # "unlimited" asks for unlimited
    assert Limit(None, None).at_least(None)
    assert str(Limit(1024, None)) == "soft 1024, hard unlimited"


def test_mounts_deepest_wins_and_anonymous_volumes_are_told_apart() -> None:
    anon = {"Type": "volume", "Name": "a" * 64, "Destination": "/var/lib/rabbitmq"}
    named = {"Type": "volume", "Name": "altlab-x_mq", "Destination": "/var/lib/rabbitmq/mnesia"}
    data_dir = "/var/lib/rabbitmq/mnesia/rabbit@rabbitmq"
    assert mount_holding([anon, named], data_dir) is named
    assert mount_holding([anon], data_dir) is anon and is_anonymous_volume(anon)
    assert not is_anonymous_volume(named)
    assert mount_holding([anon], "/var/lib/rabbitmq-other") is None


# --- Docker -----------------------------------------------------------------------------------------


@pytest.mark.docker
def test_probed_limits_are_what_the_engine_grants() -> None:
    """On an engine without CAP_SYS_RESOURCE the probe settles for less; what it returns must start."""
    image = "altlab/debian:trixie"
    got = grantable_limits(image, {"nofile": 65536, "memlock": None}, "io.altlab.test=ulimits")
    assert got["nofile"] is not None and 1024 < got["nofile"] <= 65536
    memlock = -1 if got["memlock"] is None else got["memlock"]
    res = docker.run(["run", "--rm", "--network", "none", "--ulimit", f"nofile={got['nofile']}:{got['nofile']}",
                      "--ulimit", f"memlock={memlock}:{memlock}", image, "sh", "-c", "ulimit -n"], check=False)
    assert res.ok, res.stderr
    assert res.stdout.strip() == str(got["nofile"])


@pytest.fixture(scope="module")
def stack() -> Iterator[LabRunner]:
    r = LabRunner(Catalog().get("docker-ulimits-stack"), "readonly-test")
    r.stop()
    r.start()
    yield r
    r.stop()


def _state(r: LabRunner) -> dict[str, object]:
    """The container (same one, not restarted), its definition files, and the broker's definitions."""
    ctx = r.context()
    info = ctx.inspect("rabbitmq")
    defs = ctx.exec("rabbitmq", ["rabbitmqctl", "-q", "list_vhosts"])
    ws = ctx.state.workspace
    return {"id": info["Id"], "started": info["State"]["StartedAt"], "restarts": info["RestartCount"],
            "vhosts": defs.stdout, "files": {p.name: p.read_text() for p in sorted(ws.iterdir())}}


@pytest.mark.docker
def test_grading_changes_nothing(stack: LabRunner) -> None:
    before = _state(stack)
    _, rep, _ = grade("docker-ulimits-stack", instance="readonly-test", quiet=True)
    assert rep["score"] == 0
    assert _state(stack) == before
    stack.apply_steps(stack.context(), stack.manifest.solution_steps, "solution")
    solved = _state(stack)
    assert solved["id"] != before["id"]  # `altlab apply` recreated the container
    _, rep, _ = grade("docker-ulimits-stack", instance="readonly-test", quiet=True)
    assert (rep["score"], rep["max_score"]) == (85, 100), rep  # all but the after-restart check
    assert _state(stack) == solved
