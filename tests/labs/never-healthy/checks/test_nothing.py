import pytest


@pytest.mark.points(1)
def test_nothing(lab):
    assert False, "never graded"
