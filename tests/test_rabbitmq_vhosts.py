"""The rabbitmq-vhosts lab on a real broker: grading reads and never writes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.grading import grade
from pytest_altlab.lab import LabRunner

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def runner() -> Iterator[LabRunner]:
    r = LabRunner(Catalog().get("rabbitmq-vhosts"), "readonly-test")
    r.stop()
    r.start()
    yield r
    r.stop()


def digest(r: LabRunner) -> dict:
    """vhosts, users, permissions, policies, durable queues and every queue's depth."""
    ctx = r.context()
    defs = ctx.exec("rabbitmq", ["rabbitmqctl", "-q", "export_definitions", "-"])
    assert defs.ok, defs.stderr
    script = ("for v in $(rabbitmqctl -q list_vhosts name --no-table-headers); do "
              "rabbitmqctl -q list_queues -p \"$v\" name messages --no-table-headers; done")
    queues = ctx.exec("rabbitmq", ["sh", "-c", script])
    assert queues.ok, queues.stderr
    definitions = json.loads(defs.stdout[defs.stdout.index("{"):])
    state = {"definitions": definitions, "queues": sorted(queues.stdout.splitlines())}
    return _canonical(state)


def _canonical(x: object) -> object:
    """Order-free form: the broker lists permissions in another order after a restart."""
    if isinstance(x, dict):
        return {k: _canonical(v) for k, v in x.items()}
    if isinstance(x, list):
        return sorted((_canonical(v) for v in x), key=lambda v: json.dumps(v, sort_keys=True))
    return x


def test_grading_the_broken_state_changes_nothing(runner: LabRunner) -> None:
    before = digest(runner)
    _, rep, _ = grade("rabbitmq-vhosts", instance="readonly-test", quiet=True)
    assert rep["score"] == 0
    assert digest(runner) == before


def test_grading_the_solved_state_with_restart_changes_nothing(runner: LabRunner) -> None:
    runner.apply_steps(runner.context(), runner.manifest.solution_steps, "solution")
    before = digest(runner)
    _, rep, _ = grade("rabbitmq-vhosts", instance="readonly-test", persistence=True, quiet=True)
    assert (rep["score"], rep["max_score"]) == (20, 20), rep
    assert rep["servers"]["rabbitmq"]["version"].startswith("4."), rep["servers"]
    assert digest(runner) == before


def test_failure_messages_say_expected_and_found(runner: LabRunner) -> None:
    ctx = runner.context()
    # The solved state (applied by the test above when it ran on this process first; tests are spread over
    # processes, so this one makes sure of it itself)
    users = ctx.exec("rabbitmq", ["rabbitmqctl", "-q", "list_users"]).stdout
    if ctx.params.monitor_user not in users:
        runner.apply_steps(ctx, runner.manifest.solution_steps, "solution")
    res = ctx.exec("rabbitmq", ["rabbitmqctl", "-q", "set_permissions", "-p", ctx.params.vhost,
                                ctx.params.monitor_user, ".*", ".*", ".*"])
    assert res.ok, res.stderr
    _, rep, _ = grade("rabbitmq-vhosts", instance="readonly-test", quiet=True)
    check = next(c for c in rep["checks"] if c["id"] == "test_ops_is_read_only")
    assert check["status"] == "failed"
    assert "expected 'ops' on 'altcraft' to have configure '^$', write '^$', read '.*'" in check["message"]
    assert "found configure '.*' / write '.*' / read '.*'" in check["message"]
