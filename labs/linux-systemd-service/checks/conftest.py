import pytest

from pytest_altlab.helpers.container import limit_targets
from pytest_altlab.helpers.redis import RedisServer
from pytest_altlab.helpers.systemd import Systemd


@pytest.fixture
def systemd(lab):
    return Systemd(lab, "host")


@pytest.fixture
def unit(lab):
    return f"{lab.params.unit}.service"


@pytest.fixture
def cache(lab):
    """The cache as the platform reaches it: over the network, on its port."""
    server = RedisServer(lab, "host", int(lab.params.port))
    yield server
    server.close()


@pytest.fixture
def targets(lab):
    """The limits the checks expect: the task's, or what this host can grant where it grants less."""
    return limit_targets(lab)
