"""Unit tests without Docker: compose rendering, bundle signing, exam reports, totals, check messages."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.composefile import render_compose
from pytest_altlab.exams.reports import candidate_html, gradescope, rollup_csv, write_junit
from pytest_altlab.exams.signing import sign_bundle, verify_bundle
from pytest_altlab.grading.messages import message_of, past_tense
from pytest_altlab.grading.totals import exam_total
from pytest_altlab.instance import project_name
from pytest_altlab.report import ExamReport, LabReport
from pytest_altlab.scoring import CheckResult

from .conftest import TEST_LABS


def probe_manifest():
    return Catalog([TEST_LABS]).get("probe")


# --- compose rendering ---------------------------------------------------------------------------------

def test_rendered_compose_publishes_on_loopback_only_and_pins_ports() -> None:
    ports: dict[tuple[str, int], int] = {}
    doc = render_compose(probe_manifest(), "debian", "altlab-x-probe", ports, allocate=iter([41001, 41002]).__next__)
    box = doc["services"]["box"]
    assert doc["name"] == "altlab-x-probe"
    assert box["pull_policy"] == "never" and box["image"].startswith("altlab/")
    assert all(str(p).startswith("127.0.0.1:") for p in box["ports"]), box["ports"]
    assert ports and set(ports.values()) <= {41001, 41002}, "the picked host ports are reported back"
    labels = box["labels"]
    assert labels["io.altlab.project"] == "altlab-x-probe" and labels["io.altlab.lab"] == "probe"
    assert len(labels["io.altlab.home"]) == 6, "every object names the state folder it belongs to"


def test_project_names_differ_per_state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALTLAB_HOME", str(tmp_path / "a"))
    a = project_name("probe", "verify")
    monkeypatch.setenv("ALTLAB_HOME", str(tmp_path / "b"))
    b = project_name("probe", "verify")
    assert a != b and a.endswith("-probe--verify") and b.endswith("-probe--verify")
    assert project_name("probe", "verify") == b, "stable for one folder"


# --- signing -------------------------------------------------------------------------------------------

def test_signed_bundle_verifies_and_names_every_edit(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text('{"percent": 40}')
    (tmp_path / "junit.xml").write_text("<testsuites/>")
    key = b"k" * 32
    sign_bundle(tmp_path, key, "run1")
    assert verify_bundle(tmp_path, key) == []
    (tmp_path / "report.json").write_text('{"percent": 100}')
    (tmp_path / "extra.txt").write_text("x")
    (tmp_path / "junit.xml").unlink()
    problems = verify_bundle(tmp_path, key)
    assert "report.json was changed after signing" in problems
    assert "junit.xml is missing" in problems and "extra.txt was added after signing" in problems
    assert any("does not match" in p for p in verify_bundle(tmp_path, b"other" * 8))


# --- exam reports and totals ---------------------------------------------------------------------------

def _lab_report(lab_id: str, passed: int, failed: int) -> LabReport:
    checks = [CheckResult(id=f"test_ok_{i}", title=f"ok {i}", points=1, status="passed") for i in range(passed)]
    checks += [CheckResult(id=f"test_bad_{i}", title=f"bad {i}", points=1, status="failed", message="expected x")
               for i in range(failed)]
    return LabReport(lab_id=lab_id, lab_title=lab_id.title(), lab_version=1, instance="x", pass_mark=50,
                     checks=checks, hidden=["test_bad_0"] if failed else [])


def _exam_doc() -> dict:
    rep = ExamReport(exam_id="e", exam_title="E", exam_version=1, pass_mark=60, candidate="alice",
                     labs=[(_lab_report("one", 3, 1), 1.0), (_lab_report("two", 1, 3), 3.0)])
    return rep.to_dict()


def test_exam_total_is_the_weighted_mean_of_lab_percentages() -> None:
    t = exam_total([(75.0, 1.0, True), (25.0, 3.0, False)], 60)
    assert (t.percent, t.passed, t.labs_passed, t.labs) == (37.5, False, 1, 2)
    doc = _exam_doc()
    assert doc["percent"] == 37.5 and doc["passed"] is False and doc["schema_version"] == 1
    assert [x["weight"] for x in doc["labs"]] == [1.0, 3.0]


def test_gradescope_scores_sum_to_the_exam_percent_and_hide_hidden_checks() -> None:
    res = gradescope(_exam_doc())
    assert round(sum(t["score"] for t in res["tests"]), 1) == 37.5
    assert round(sum(t["max_score"] for t in res["tests"]), 1) == 100.0
    hidden = [t for t in res["tests"] if t["visibility"] == "hidden"]
    assert {t["name"] for t in hidden} == {"one: bad 0", "two: bad 0"}


def test_junit_carries_points_and_candidate_view_leaves_out_details(tmp_path: Path) -> None:
    doc = _exam_doc()
    write_junit(doc, tmp_path / "junit.xml")
    root = ET.parse(tmp_path / "junit.xml").getroot()
    props = {p.get("name") for p in root.iter("property")}
    assert "points" in props, props
    html = candidate_html(doc, proctor=False)
    assert "expected x" not in html and "bad 0" not in html, "no failure details or hidden checks for the candidate"
    assert "expected x" in candidate_html(doc, proctor=True)
    assert rollup_csv([doc]).splitlines()[0].startswith("candidate,one,two,total %")


# --- check messages ------------------------------------------------------------------------------------

def _run_one(pytester: pytest.Pytester, body: str) -> tuple[str, str]:
    pytester.makeconftest('''
import pytest
from pytest_altlab.grading.messages import message_of
MSGS = []

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    if rep.when == "call":
        status = "passed" if rep.passed else "skipped" if rep.skipped else "failed" if call.excinfo and \\
            isinstance(call.excinfo.value, AssertionError) else "error"
        MSGS.append((status, message_of(rep, call, status)))
    return rep

def pytest_sessionfinish(session):
    import json, pathlib
    pathlib.Path("msgs.json").write_text(json.dumps(MSGS))
''')
    pytester.makepyfile(test_it=body)
    pytester.runpytest_inprocess("-p", "no:altlab", "-p", "no:cacheprovider")
    status, message = json.loads((pytester.path / "msgs.json").read_text())[0]
    return status, message


def test_message_keeps_the_checks_sentence_not_pytests_rewrite(pytester: pytest.Pytester) -> None:
    status, msg = _run_one(pytester, "def test_x():\n    found = 'email.send'\n"
                                     "    assert found == 'x', f'expected queue x; found {found}'\n")
    assert status == "failed" and msg == "expected queue x; found email.send"


def test_message_of_a_broken_check_names_the_exception_and_line(pytester: pytest.Pytester) -> None:
    status, msg = _run_one(pytester, "def test_x():\n    {}['k']\n")
    assert status == "error"
    assert msg.startswith("the check itself broke: KeyError: 'k'") and "test_it.py:2" in msg


def test_past_tense_reads_as_a_sentence() -> None:
    assert past_tense(None) == "has not run" and past_tense("failed") == "failed"
    assert past_tense("blocked") == "was blocked"
    assert callable(message_of)


def test_suggested_commands_carry_lab_dir_only_where_the_catalog_needs_it() -> None:
    from pytest_altlab.catalog import Catalog
    from pytest_altlab.cli.options import lab_dir_flag

    root = Path(__file__).resolve().parents[1]
    assert lab_dir_flag(Catalog().get("rabbitmq-vhosts").path) == ""
    probe = Catalog([root / "tests" / "labs"]).get("probe").path
    assert lab_dir_flag(probe) == f"--lab-dir {root / 'tests' / 'labs'}"


def test_naming_the_running_instances_keeps_the_errors_own_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_altlab.cli import instances
    from pytest_altlab.lab.guard import LabStopped

    monkeypatch.setattr(instances, "running_instances", lambda lab: ["other"])
    e = instances.explain_not_running(LabStopped("probe", "mine", "stopped"), "probe", "mine")
    assert "--fresh" in (e.hint or "") and "running instead: other" in (e.hint or "")
    assert "is stopped" in e.message


def test_a_suggested_command_too_wide_breaks_between_options_and_still_pastes_as_one() -> None:
    import subprocess

    from pytest_altlab.cli.output import command_lines

    parts = ["altlab grade probe", "--instance term80", "--lab-dir /check/work/main/tests/labs"]
    parts_line = "grade: " + " ".join(parts)
    assert command_lines("grade: ", parts, 120) == [parts_line]
    lines = command_lines("grade: ", parts, 80)
    assert len(lines) == 2 and all(len(ln) <= 80 for ln in lines)
    assert lines[0].endswith(" \\") and lines[1].startswith("    --lab-dir")
    # what a shell reads when the lines are pasted: the very same command
    words = [subprocess.run(["bash", "-c", "printf '%s\\n' " + cmd.removeprefix("grade: altlab")], capture_output=True,
                            text=True, check=True).stdout for cmd in ("\n".join(lines), parts_line)]
    assert words[0] == words[1] and "--lab-dir\n/check/work/main/tests/labs" in words[0]
