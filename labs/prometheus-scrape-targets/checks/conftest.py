import pytest

from pytest_altlab.helpers.prometheus import Prometheus


@pytest.fixture
def prom(lab):
    return Prometheus(lab)

