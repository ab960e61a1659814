import pytest

from pytest_altlab.helpers.prometheus import Prometheus, Pushgateway


@pytest.fixture
def prom(lab):
    return Prometheus(lab)


@pytest.fixture
def gateway(lab):
    return Pushgateway(lab)

