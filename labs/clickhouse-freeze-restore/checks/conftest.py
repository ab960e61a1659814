import pytest

from pytest_altlab.helpers.clickhouse import ClickHouse, EventSet


@pytest.fixture
def ch(lab):
    return ClickHouse(lab)


@pytest.fixture
def events(lab):
    """Every row the table must hold: the backed-up rows plus the ones that arrived after the backup."""
    return EventSet.parse(lab.params.dataset, lab.params.late_rows)


@pytest.fixture
def backed_up(lab):
    """The rows in the break step's FREEZE copy."""
    return EventSet.parse(lab.params.dataset)
