"""Checks of docker-ulimits-stack: 100 points. They only read: docker inspect, /proc limits, the broker's own view."""

import pytest

from pytest_altlab.helpers.container import is_anonymous_volume

BEAM = "beam.smp"  # the Erlang VM: the broker's process, in both flavours


def _want(value):
    return "unlimited" if value is None else f"at least {value}"


@pytest.mark.points(15)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("'Max open files' in /proc/<pid>/limits of the beam.smp process; `ulimits: nofile:` in the override")
def test_broker_may_open_enough_files(box, targets):
    """The broker process may open enough files (nofile, soft and hard)"""
    want = targets["nofile"]
    got = box.limit(BEAM, "nofile")
    assert got.at_least(want), (
        f"expected the broker's open-files limit (nofile) to be {_want(want)}, soft and hard; "
        f"/proc/<pid>/limits of {BEAM} shows {got}")


@pytest.mark.points(10)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("fd_total in the management UI (Overview -> Nodes) or GET /api/nodes")
def test_rabbitmq_reports_fd_total(node, targets):
    """RabbitMQ itself reports the raised file-descriptor limit (fd_total)"""
    want = targets["nofile"]
    fd_total = node.get("fd_total")
    assert fd_total is not None, f"the management API does not report fd_total for node {node.get('name')}"
    assert want is None or fd_total >= want, (
        f"expected the node's fd_total to be {_want(want)}; RabbitMQ reports {fd_total}")


@pytest.mark.points(10)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("'Max locked memory' in /proc/<pid>/limits of beam.smp; `ulimits: memlock:` (-1 is unlimited)")
def test_broker_may_lock_memory(box, targets):
    """The broker process may lock enough memory (memlock, soft and hard)"""
    want = targets["memlock"]
    got = box.limit(BEAM, "memlock")
    assert got.at_least(want), (
        f"expected the broker's locked-memory limit (memlock) to be {_want(want)}"
        f"{'' if want is None else ' bytes'}, soft and hard; /proc/<pid>/limits of {BEAM} shows {got}")


@pytest.mark.points(10)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("`hostname:` in the override; the node name in `rabbitmq-diagnostics status` or the UI")
def test_node_name_is_stable(box, node):
    """The node name, and so the database, does not change with the container (hostname pinned)"""
    name = str(node.get("name", ""))
    host = name.split("@", 1)[-1]
    assert host != box.short_id, (
        f"the node is named '{name}' after the container's ID (the container's hostname is not pinned): "
        "a container created anew gets another ID, another node name, and an empty database")


@pytest.mark.points(10)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.look("`docker inspect` .Mounts; a top-level `volumes:` in the override and a mount at /var/lib/rabbitmq")
def test_data_directory_on_named_volume(box, rmq):
    """The broker's data directory is on a named volume"""
    data_dir = str(rmq.node_status().get("data_directory", "/var/lib/rabbitmq/mnesia"))
    mount = box.mount_of(data_dir)
    assert mount is not None, (
        f"the broker's data directory {data_dir} is in the container's own filesystem: it goes with the container")
    kind = mount.get("Type")
    assert kind == "volume", (
        f"the broker's data directory {data_dir} is on a {kind} mount of {mount.get('Source')}; "
        "expected a named volume")
    assert not is_anonymous_volume(mount), (
        f"the broker's data directory {data_dir} is on an anonymous volume ({str(mount.get('Name'))[:12]}... at "
        f"{mount.get('Destination')}): a container created anew gets a new, empty one")


@pytest.mark.points(10)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.look("`healthcheck:` in the override; `docker inspect` .State.Health")
def test_health_check_reports_healthy(box):
    """The container has a health check and reports healthy"""
    test = box.healthcheck
    assert test, "the container has no health check: Docker (and `up --wait`) cannot tell when the broker is ready"
    health = box.health
    assert health == "healthy", (
        f"the container's health check ({' '.join(test)}) reports '{health or 'nothing yet'}', expected 'healthy'")


@pytest.mark.points(10)
@pytest.mark.covers(5)
@pytest.mark.persistent
@pytest.mark.look("`restart:` in the override; `docker inspect` .HostConfig.RestartPolicy")
def test_restart_policy(box):
    """A restart policy brings the broker back after a crash or a host reboot (unless-stopped or always)"""
    policy = box.restart_policy
    assert policy in ("unless-stopped", "always"), (
        f"expected the restart policy 'unless-stopped' or 'always'; found '{policy}'"
        + (" (it restarts the broker only when it exits with an error)" if policy.startswith("on-failure") else ""))


@pytest.mark.points(10)
@pytest.mark.covers(6)
@pytest.mark.persistent
@pytest.mark.look("`rabbitmqctl list_queues -p VHOST name durable`; "
                  "import definitions.json after the last hostname or volume change")
def test_platform_definitions_present(lab, rmq):
    """The vhost, exchange, durable queue and binding from definitions.json exist"""
    p = lab.params
    vhosts = rmq.vhosts()
    assert p.vhost in vhosts, (
        f"vhost '{p.vhost}' does not exist (the broker's database has: {', '.join(map(repr, vhosts))}); "
        "import definitions.json")
    defs = rmq.definitions()
    queues = {q["name"]: q for q in defs.get("queues", []) if q.get("vhost") == p.vhost}
    assert p.queue in queues, f"queue '{p.queue}' does not exist in vhost '{p.vhost}'"
    assert queues[p.queue].get("durable") is True, f"queue '{p.queue}' is not durable"
    exchanges = {e["name"] for e in defs.get("exchanges", []) if e.get("vhost") == p.vhost}
    assert p.exchange in exchanges, f"exchange '{p.exchange}' does not exist in vhost '{p.vhost}'"
    bound = any(b.get("vhost") == p.vhost and b.get("source") == p.exchange and b.get("destination") == p.queue
                for b in defs.get("bindings", []))
    assert bound, f"queue '{p.queue}' is not bound to exchange '{p.exchange}'"


@pytest.mark.points(15)
@pytest.mark.covers(2, 3, 6)
@pytest.mark.after_restart
def test_everything_survives_recreate(restart_outcome):
    """Everything above still holds after the container is removed and created anew (down + up)"""
    restart_outcome.assert_all_passed()

