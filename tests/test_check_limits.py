"""Checks that hang, kill their process, cannot be imported or quote a secret: the grading survives each and
says so in its report (Docker, the `hang` test lab: time limit 2 s)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import TEST_LABS, altlab

L = ("--lab-dir", str(TEST_LABS))
SECRET = "s3cretvalue"
pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def hang_lab() -> Iterator[None]:
    res = altlab(*L, "start", "hang", "--instance", "limits")
    assert res.returncode == 0, res.stderr
    yield
    altlab(*L, "stop", "hang", "--instance", "limits")


def grade(tmp_path: Path, **env: str) -> tuple[object, dict]:
    report = tmp_path / "r.json"
    res = altlab(*L, "grade", "hang", "--instance", "limits", "--report", str(report), env=env, timeout=120)
    return res, json.loads(report.read_text())


def test_a_hanging_check_or_fixture_errors_and_the_report_is_written(hang_lab: None, tmp_path: Path) -> None:
    res, doc = grade(tmp_path)
    by_id = {c["id"]: c for c in doc["checks"]}
    for cid in ("test_sleeps_forever", "test_fixture_hangs"):
        assert by_id[cid]["status"] == "error" and "timed out after 2 s" in by_id[cid]["message"], by_id[cid]
    assert by_id["test_ok"]["status"] == "passed" and by_id["test_exits"]["status"] == "passed"
    assert doc["error"] is None and doc["score"] == 2


def test_secrets_never_reach_a_report_the_terminal_or_the_store(hang_lab: None, tmp_path: Path) -> None:
    res, doc = grade(tmp_path)
    assert "found password=***" in json.dumps(doc)
    assert SECRET not in json.dumps(doc)
    out = res.stdout + res.stderr  # type: ignore[attr-defined]
    assert "password=***" in out and SECRET not in out
    import os

    db = Path(os.environ["ALTLAB_HOME"]) / "altlab.sqlite3"
    dump = "\n".join(sqlite3.connect(db).iterdump())
    assert "found password=***" in dump and SECRET not in dump, "the progress store keeps redacted messages"
    plain = altlab(*L, "status", "hang", "--instance", "limits")
    assert plain.returncode == 0 and SECRET not in plain.stdout and "token = ***" in plain.stdout
    shown = altlab(*L, "status", "hang", "--instance", "limits", "--show-secrets")
    assert f"token = {SECRET}" in shown.stdout
    js = json.loads(altlab(*L, "status", "hang", "--instance", "limits", "--json").stdout)
    assert js["parameters"]["token"] == "***"


def test_a_check_that_kills_the_process_still_leaves_a_report(hang_lab: None, tmp_path: Path) -> None:
    res, doc = grade(tmp_path, HANG_EXIT="1")
    assert doc["error"] and "did not finish" in doc["error"]
    assert doc["passed"] is False


def test_a_collection_error_is_the_reports_error(hang_lab: None, tmp_path: Path) -> None:
    res, doc = grade(tmp_path, HANG_IMPORT="1")
    assert res.returncode == 2  # type: ignore[attr-defined]
    assert doc["error"] and "nosuch_module_for_altlab_tests" in doc["error"]
    assert "Traceback" not in res.stderr  # type: ignore[attr-defined]


def test_a_report_path_that_cannot_be_written_is_one_line(hang_lab: None) -> None:
    res = altlab(*L, "grade", "hang", "--instance", "limits", "--report", "/proc/x.json")
    assert res.returncode != 0 and "cannot be written" in res.stdout + res.stderr
    assert "INTERNALERROR" not in res.stdout + res.stderr


def test_an_exam_bundle_carries_no_secret(tmp_path: Path) -> None:
    exam = tmp_path / "hang-exam.yaml"
    exam.write_text("id: hang-exam\ntitle: Hang exam (tests only)\ntime_limit: 30\nlabs: [hang]\n")
    home = {"ALTLAB_HOME": str(tmp_path / "home")}
    try:
        res = altlab(*L, "exam", "start", str(exam), "--candidates", "zed", env=home)
        assert res.returncode == 0, res.stderr
        res = altlab(*L, "exam", "grade", str(exam), "--candidates", "zed", env=home, timeout=300)
        assert res.returncode == 0 and SECRET not in res.stdout + res.stderr, res.stdout + res.stderr
        bundle = tmp_path / "home" / "exams" / "hang-exam" / "reports" / "zed" / "attempt-1"
        for name in ("report.json", "junit.xml", "results.json", "report.html"):
            text = (bundle / name).read_text()
            assert SECRET not in text, name
        assert "password=***" in (bundle / "junit.xml").read_text()
        assert "timed out after 2 s" in (bundle / "report.json").read_text()
        dump = "\n".join(sqlite3.connect(tmp_path / "home" / "altlab.sqlite3").iterdump())
        assert "hang-exam" in dump and SECRET not in dump
    finally:
        altlab(*L, "exam", "stop", str(exam), env=home)


def test_an_exam_grading_whose_pytest_dies_still_bundles_a_failed_report(tmp_path: Path) -> None:
    exam = tmp_path / "hang-exam.yaml"
    exam.write_text("id: hang-exam\ntitle: Hang exam (tests only)\ntime_limit: 30\nlabs: [hang]\n")
    home = {"ALTLAB_HOME": str(tmp_path / "home")}
    try:
        assert altlab(*L, "exam", "start", str(exam), "--candidates", "ann", env=home).returncode == 0
        res = altlab(*L, "exam", "grade", str(exam), "--candidates", "ann", env={**home, "HANG_EXIT": "1"},
                     timeout=300)
        assert "Traceback" not in res.stderr
        assert res.returncode == 1 and "ann: grading failed (attempt 1, bundled)" in res.stdout, res.stdout
        doc = json.loads((tmp_path / "home" / "exams" / "hang-exam" / "reports" / "ann" / "attempt-1" /
                          "report.json").read_text())
        assert doc["passed"] is False and "did not finish" in doc["error"] and "exit code 3" in doc["error"], doc
    finally:
        altlab(*L, "exam", "stop", str(exam), env=home)
