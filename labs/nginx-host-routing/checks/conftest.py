import pytest

from pytest_altlab.helpers.http import HttpProbe, NginxConfig


@pytest.fixture
def web(lab):
    return HttpProbe(lab, "nginx")


@pytest.fixture
def nginx(lab):
    return NginxConfig(lab, "nginx")
