import pytest


@pytest.mark.points(2)
@pytest.mark.persistent
@pytest.mark.look("the file /srv/answer in the box")
def test_answer_file(lab):
    """/srv/answer holds the answer"""
    got = (lab.read_file("box", "/srv/answer") or "").strip()
    assert got == lab.params.answer, f"expected /srv/answer to hold {lab.params.answer!r}; found {got!r}"


@pytest.mark.points(1)
@pytest.mark.depends("test_answer_file")
def test_depends_on_answer(lab):
    assert True


@pytest.mark.points(1)
@pytest.mark.depends("test_answer_file")
def test_port_published_on_loopback(lab):
    assert lab.port("box", 8080) > 0


@pytest.mark.points(1)
@pytest.mark.after_restart
def test_survives_restart(restart_outcome):
    restart_outcome.assert_all_passed()
