"""The pytest plugin, driven with pytester against the real `probe` lab (a Debian container)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.lab import LabRunner

from .conftest import TEST_LABS

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def probe() -> Iterator[LabRunner]:
    runner = LabRunner(Catalog([TEST_LABS]).get("probe"), "plugin-tests")
    runner.stop()
    runner.start()
    yield runner
    runner.stop()


def run(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict]:
    report = pytester.path / "report.json"
    res = pytester.runpytest_subprocess("--lab", "probe", "--lab-dir", str(TEST_LABS), "--lab-instance",
                                        "plugin-tests", "--lab-report", str(report), "-p", "no:cacheprovider", *args)
    data = json.loads(report.read_text()) if report.exists() else {}
    return res, data


def statuses(data: dict) -> dict[tuple[str, str], str]:
    return {(c["id"], c["phase"]): c["status"] for c in data["checks"]}


def test_broken_state_scores_zero_with_blocked_and_not_run(pytester: pytest.Pytester, probe: LabRunner) -> None:
    res, data = run(pytester)
    assert res.ret == 1
    assert data["schema_version"] == 1 and data["lab"]["id"] == "probe"
    assert (data["score"], data["max_score"], data["passed"]) == (0, 5, False)
    assert statuses(data) == {
        ("test_answer_file", "initial"): "failed",
        ("test_depends_on_answer", "initial"): "blocked",
        ("test_port_published_on_loopback", "initial"): "blocked",
        ("test_survives_restart", "after_restart"): "not_run",
    }
    failed = next(c for c in data["checks"] if c["id"] == "test_answer_file")
    assert failed["message"] == "expected /srv/answer to hold '42'; found '0'"
    res.stdout.fnmatch_lines(["*altlab score*", "*score 0/5 (0%), pass mark 50%: NOT PASSED*"])


def test_solved_with_persistence_scores_full_and_reports_both_phases(pytester: pytest.Pytester,
                                                                       probe: LabRunner) -> None:
    ctx = probe.context()
    probe.apply_steps(ctx, probe.manifest.solution_steps, "solution")
    try:
        res, data = run(pytester, "--lab-persistence", "--junitxml", str(pytester.path / "junit.xml"))
        assert res.ret == 0, res.stdout.str()
        assert (data["score"], data["max_score"], data["percent"], data["passed"]) == (5, 5, 100.0, True)
        assert data["persistence"]["ran"] is True
        st = statuses(data)
        assert st[("test_answer_file", "initial")] == st[("test_answer_file", "after_restart")] == "passed"
        assert st[("test_survives_restart", "after_restart")] == "passed"
        # Points travel as JUnit XML properties.
        tree = ET.parse(pytester.path / "junit.xml")
        props = {(tc.get("name"), p.get("name")): p.get("value")
                 for tc in tree.iter("testcase") for p in tc.iter("property")}
        assert props[("test_answer_file", "points")] == "2"
        assert props[("test_answer_file", "status")] == "passed"
        assert props[("test_answer_file@restart", "points")] == "0"
    finally:
        probe.apply_steps(probe.context(), probe.manifest.break_steps, "break")


def test_secret_parameters_are_redacted_and_versions_recorded(pytester: pytest.Pytester, probe: LabRunner) -> None:
    _, data = run(pytester)
    assert data["parameters"] == {"answer": "42", "token": "***"}
    assert data["flavour"] == "debian"
    assert data["servers"]["box"]["image"] == "altlab/debian:trixie"
    assert data["servers"]["box"]["version"].startswith("13")


def test_a_check_that_breaks_is_an_error_not_a_failure(pytester: pytest.Pytester, probe: LabRunner,
                                                        tmp_path: Path) -> None:
    labs = tmp_path / "labs"
    import shutil

    shutil.copytree(TEST_LABS / "probe", labs / "probe")
    (labs / "probe" / "checks" / "test_extra.py").write_text(
        "import pytest\n\n@pytest.mark.points(1)\ndef test_buggy(lab):\n    {}['missing']\n")
    report = tmp_path / "r.json"
    res = pytester.runpytest_subprocess("--lab", "probe", "--lab-dir", str(labs), "--lab-instance", "plugin-tests",
                                        "--lab-report", str(report))
    data = json.loads(report.read_text())
    buggy = next(c for c in data["checks"] if c["id"] == "test_buggy")
    assert buggy["status"] == "error"
    assert "the check itself broke: KeyError" in buggy["message"] and "test_extra.py:5" in buggy["message"]
    assert res.ret == 1


def test_check_without_points_is_a_usage_error(pytester: pytest.Pytester, probe: LabRunner, tmp_path: Path) -> None:
    import shutil

    labs = tmp_path / "labs"
    shutil.copytree(TEST_LABS / "probe", labs / "probe")
    (labs / "probe" / "checks" / "test_extra.py").write_text("def test_unscored(lab):\n    pass\n")
    res = pytester.runpytest_subprocess("--lab", "probe", "--lab-dir", str(labs), "--lab-instance", "plugin-tests")
    assert res.ret != 0
    res.stderr.fnmatch_lines(["*test_unscored: every check needs @pytest.mark.points(n)*"])


def test_explicit_paths_with_lab_are_refused(pytester: pytest.Pytester, probe: LabRunner) -> None:
    pytester.makepyfile(test_other="def test_x():\n    pass\n")
    res = pytester.runpytest_subprocess("--lab", "probe", "--lab-dir", str(TEST_LABS), "--lab-instance",
                                        "plugin-tests", "test_other.py")
    assert res.ret == 4
    res.stderr.fnmatch_lines(["*collects the lab's own checks; leave out the paths*"])
