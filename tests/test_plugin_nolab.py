"""Plugin behaviour that needs no running lab."""

from __future__ import annotations

import json

import pytest

from .conftest import TEST_LABS


def test_no_running_lab_says_how_to_start_and_still_writes_a_report(pytester: pytest.Pytester) -> None:
    report = pytester.path / "r.json"
    res = pytester.runpytest_subprocess("--lab", "probe", "--lab-dir", str(TEST_LABS), "--lab-instance", "nobody",
                                        "--lab-report", str(report))
    assert res.ret == 4
    res.stderr.fnmatch_lines(["*lab 'probe' (instance 'nobody') is not running*",
                              "*hint: start it: altlab start probe --instance nobody*"])
    assert "Traceback" not in res.stderr.str()
    data = json.loads(report.read_text())
    assert data["score"] == 0 and data["passed"] is False and "not running" in data["error"]


def test_unknown_lab_is_a_usage_error_with_suggestion(pytester: pytest.Pytester) -> None:
    res = pytester.runpytest_subprocess("--lab", "rabbitmq-vhost")
    assert res.ret == 4
    res.stderr.fnmatch_lines(["*unknown lab 'rabbitmq-vhost'*", "*did you mean rabbitmq-vhosts?*"])


def test_markers_are_registered(pytester: pytest.Pytester) -> None:
    res = pytester.runpytest_subprocess("--markers")
    res.stdout.fnmatch_lines(["*@pytest.mark.points(n)*", "*@pytest.mark.persistent*",
                              "*@pytest.mark.after_restart*", "*@pytest.mark.depends(*check_ids)*"])


def test_plugin_is_inert_without_lab(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    assert 1\n")
    res = pytester.runpytest_subprocess()
    res.assert_outcomes(passed=1)
    assert "altlab score" not in res.stdout.str()


def test_lab_fixture_without_lab_fails_with_a_clear_message(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_uses_lab(lab):\n    pass\n")
    res = pytester.runpytest_subprocess()
    res.stdout.fnmatch_lines(["*this check needs a running lab: run pytest with --lab LAB*"])
