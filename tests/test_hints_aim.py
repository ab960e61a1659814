"""A hint declared for a check comes first while that check fails; costs read "1 point", "1.5 points"."""

from __future__ import annotations

import dataclasses

from pytest_altlab.catalog import Catalog
from pytest_altlab.drills import next_hint
from pytest_altlab.manifest import Hint
from pytest_altlab.store import Store

from .conftest import TEST_LABS


def test_a_hint_for_a_failing_check_comes_first_then_the_rest_in_order() -> None:
    m = Catalog([TEST_LABS]).get("probe")
    m = dataclasses.replace(m, hints=(Hint("general", 1), Hint("about the port", 1, check="test_port"),
                                      Hint("about the file", 2, check="test_answer_file")))
    store = Store()
    run = "2026-01-01T00:00:00+00:00"
    first = next_hint(store, m, "aim", run, frozenset({"test_answer_file"}))
    assert first[:3] == (3, "about the file", 2)
    assert next_hint(store, m, "aim", run, frozenset({"test_answer_file"}))[0] == 1  # the rest in order
    assert next_hint(store, m, "aim", run)[0] == 2


def test_cost_wording() -> None:
    from pytest_altlab.cli.drill import _points

    assert _points(1, "costs") == "costs 1 point"
    assert _points(1.5, "costs") == "costs 1.5 points"
    assert _points(0, "costs") == "costs 0 points"
