import pytest

from pytest_altlab.helpers.redis import RedisServer


@pytest.fixture
def cache(lab):
    server = RedisServer(lab, "cache", 6666)
    yield server
    server.close()


@pytest.fixture
def secret(lab):
    """The platform's 32-character secret (two 16-character parameters, see lab.yaml)."""
    return lab.params.secret_a + lab.params.secret_b
