import pytest

from pytest_altlab.helpers.clickhouse import ClickHouse


@pytest.fixture
def ch(lab):
    return ClickHouse(lab)
