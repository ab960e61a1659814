import pytest

from pytest_altlab.helpers.mongodb import Mongo


@pytest.fixture
def mongo(lab):
    return Mongo(lab, "db")
