"""The drill loop in a real terminal (tmux at 80x24 and 120x40): short output that fits the window."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import TEST_LABS, altlab
from .terminal import Tmux, base_env, display_width

ARGS = ["--lab-dir", str(TEST_LABS)]


@pytest.fixture(params=[(80, 24), (120, 40)], ids=["80x24", "120x40"])
def term(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tmux]:
    t = Tmux(*request.param, tmp_path)
    yield t
    t.close()


def _fits(lines: list[str], width: int, what: str) -> None:
    wide = [ln for ln in lines if display_width(ln) > width]
    assert not wide, f"{what}: {len(wide)} line(s) wider than {width} columns, e.g. {wide[0]!r}"


@pytest.mark.docker
def test_drill_loop_fits_the_terminal(term: Tmux, tmp_path: Path) -> None:
    env = {**base_env(), "ALTLAB_HOME": str(tmp_path / "home")}
    inst = f"term{term.width}"
    try:
        start = term.run([*ARGS, "start", "probe", "--instance", inst], env)
        assert term.last_rc == 0, "\n".join(start)
        _fits(start, term.width, "start")
        assert any("Write" in ln and "/srv/answer" in ln for ln in start)  # the task
        assert len(start) <= 12, "\n".join(start)

        graded = term.run([*ARGS, "grade", "probe", "--instance", inst], env)
        assert term.last_rc == 1
        _fits(graded, term.width, "grade")
        text = "\n".join(graded)
        assert "NOT PASSED" in text and "Traceback" not in text and "def test_" not in text
        # one failure, two blocked, one not run: pytest's progress line, the title, 4 checks (3 lines for the
        # failure, 2 for each blocked, 2 for not run), score, restart note, report path, pytest's summary
        assert len(graded) <= 20, text

        listed = term.run([*ARGS, "list"], env)
        assert term.last_rc == 0
        _fits(listed, term.width, "list")
        n_labs = len(json.loads(altlab(*ARGS, "list", "--json", env=env).stdout))
        assert n_labs + 1 <= len(listed) <= n_labs + 3  # a header, a row per lab, a footer
        assert any(ln.startswith("probe ") for ln in listed)

        task = term.run([*ARGS, "task", "probe", "--instance", inst], env)
        assert term.last_rc == 0
        _fits(task, term.width, "task")
        assert 1 <= len(task) <= 3 and "Write" in task[0]

        watched = term.run([*ARGS, "watch", "probe", "--instance", inst, "--every", "0.5", "--times", "2"], env)
        _fits(watched, term.width, "watch")
        assert sum("no change" in ln for ln in watched) == 1
        assert len(watched) <= 18, "\n".join(watched)  # the table once, then one line per unchanged round
    finally:
        altlab(*ARGS, "stop", "probe", "--instance", inst, env=env)
