import pytest

from pytest_altlab.helpers.clickhouse import ClickHouse, EventSet


@pytest.fixture
def ch(lab):
    return ClickHouse(lab)


@pytest.fixture
def events(lab):
    """What the break step wrote: EventSet of the `dataset` parameter."""
    return EventSet.parse(lab.params.dataset)
