import pytest

from pytest_altlab.helpers.postgres import Postgres


@pytest.fixture
def pg(lab):
    return Postgres(lab)
