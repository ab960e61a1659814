
import pytest

from pytest_altlab.helpers.container import Container, limit_targets
from pytest_altlab.helpers.rabbitmq import RabbitMQ


@pytest.fixture
def rmq(lab):
    return RabbitMQ(lab)


@pytest.fixture
def box(lab):
    """The broker's container as the Docker engine sees it."""
    return Container(lab, "rabbitmq")


@pytest.fixture
def targets(lab):
    """The limits the checks expect: the task's, or the engine's maximum where it cannot grant them."""
    return limit_targets(lab)


@pytest.fixture
def node(lab, rmq):
    """The broker's node from the management API (/api/nodes): name, fd_total ...

    Right after a boot the node's figures (fd_total among them) appear with the first statistics
    emission, a few seconds late: wait for them, briefly."""
    def fetch():
        __tracebackhide__ = True
        def probe():
            nodes = rmq.api_json("/nodes")
            return bool(nodes and "fd_total" in nodes[0]), nodes

        _, nodes = lab.poll(probe, within=20)
        assert nodes, "the management API lists no node"
        return nodes[0]

    return lab.cached(("docker-ulimits-node",), fetch)
