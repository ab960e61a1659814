"""Drill output never gives an answer away: no pytest tracebacks (a check's source and locals) unless asked,
and failure messages that name what the candidate must find only once they found it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from pytest_altlab.report import LabReport, render_table
from pytest_altlab.scoring import CheckResult

from .conftest import TEST_LABS, altlab, load_module

ROOT = Path(__file__).resolve().parents[1]
# What a traceback shows and a drill table never does: the check's source, its locals, pytest's rewrite.
TRACEBACK_MARKS = ("Traceback", "def test_", "lab.params", "got = ", "AssertionError", "assert '", "E   ")


def _load(path: Path) -> ModuleType:
    return load_module(path, f"leak_{path.parent.parent.name}")


def test_the_queue_is_named_only_once_the_answer_file_names_it() -> None:
    conf = _load(ROOT / "labs/rabbitmq-queue-triage/checks/conftest.py")
    culprit = json.loads((ROOT / "labs/rabbitmq-queue-triage/queues.json").read_text())["culprit"]
    for wrong in (None, "", "email.send\n", "altcraft\n"):
        label = conf.culprit_label(wrong, culprit)
        assert culprit["name"] not in label and culprit["vhost"] not in label, (wrong, label)
    assert culprit["name"] in conf.culprit_label(f"{culprit['name']}\n", culprit)
    assert culprit["name"] in conf.culprit_label(f"  `{culprit['name']}`  \n", culprit)


def test_exam_view_hides_hidden_checks_and_messages_but_counts_their_points() -> None:
    rep = LabReport(lab_id="x", lab_title="X", lab_version=1, instance="i", pass_mark=50, mode="exam",
                    hidden=["h"], checks=[CheckResult("a", "visible one", 8, "passed"),
                                          CheckResult("h", "secret check", 12, "failed", message="the answer is 7")])
    out = render_table(rep, color=False, width=80, show_messages=False, hidden=rep.hidden)
    assert "secret check" not in out and "the answer is 7" not in out
    assert "score 8/20" in out  # the same total as candidate.html: every check's points


@pytest.fixture
def probe_home(tmp_path: Path) -> dict[str, str]:
    return {"ALTLAB_HOME": str(tmp_path / "home")}


@pytest.mark.docker
def test_drill_grade_shows_no_traceback_unless_verbose(probe_home: dict[str, str]) -> None:
    args = ("--lab-dir", str(TEST_LABS))
    inst = "leaks"
    assert altlab(*args, "start", "probe", "--instance", inst, env=probe_home).returncode == 0
    try:
        plain = altlab(*args, "grade", "probe", "--instance", inst, env=probe_home)
        assert plain.returncode == 1 and "failed" in plain.stdout
        assert "look at: the file /srv/answer in the box" in plain.stdout
        shown = [m for m in TRACEBACK_MARKS if m in plain.stdout]
        assert not shown, plain.stdout
        assert "s3cret" not in plain.stdout  # the secret parameter, a local of no check but of the lab
        verbose = altlab(*args, "grade", "probe", "--instance", inst, "--verbose", env=probe_home)
        assert "def test_answer_file" in verbose.stdout  # the traceback is there when asked for
    finally:
        altlab(*args, "stop", "probe", "--instance", inst, env=probe_home)


@pytest.mark.docker
def test_triage_grade_names_neither_the_queue_nor_its_count_before_it_is_found(probe_home: dict[str, str]) -> None:
    culprit = json.loads((ROOT / "labs/rabbitmq-queue-triage/queues.json").read_text())["culprit"]
    inst = "leaks-rq"
    assert altlab("start", "rabbitmq-queue-triage", "--instance", inst, env=probe_home).returncode == 0
    try:
        def grade() -> str:
            res = altlab("grade", "rabbitmq-queue-triage", "--instance", inst, env=probe_home)
            assert res.returncode == 1, res.stderr
            return res.stdout

        broken = grade()
        assert "failed" in broken and "not named here" in broken
        for leak in (culprit["name"], f"vhost '{culprit['vhost']}'", "46,180", "46180", *TRACEBACK_MARKS):
            assert leak not in broken, (leak, broken)
        path = "/tmp/altlab-answer"  # a wrong answer: still nothing named
        res = altlab("status", "rabbitmq-queue-triage", "--instance", inst, "--json", env=probe_home)
        path = json.loads(res.stdout)["parameters"].get("answer_file", path)
        wrong = altlab("shell", "rabbitmq-queue-triage", "--instance", inst, "--", "sh", "-c",
                       f"echo email.send > {path}", env=probe_home)
        assert wrong.returncode == 0, wrong.stderr
        assert culprit["name"] not in grade()
    finally:
        altlab("stop", "rabbitmq-queue-triage", "--instance", inst, env=probe_home)


def test_exam_sheet_aims_every_command_at_the_candidates_instance() -> None:
    from pytest_altlab.exams.sheet import sheet_task

    task = ("Shell: `altlab shell web`. Restart: `altlab restart web`, grade `altlab grade web --persistence`.\n"
            "Not another lab: `altlab shell web-two`; already aimed: `altlab status web --instance x-e_bob`.")
    out = sheet_task(task, "web", "x-e_bob")
    assert "`altlab shell web --instance x-e_bob`" in out
    assert "`altlab restart web --instance x-e_bob`" in out
    assert "`altlab grade web --instance x-e_bob --persistence`" in out
    assert "`altlab shell web-two`" in out
    assert out.count("--instance x-e_bob") == 4


@pytest.mark.docker
def test_an_exam_instance_is_graded_as_the_candidate_sees_it(tmp_path: Path) -> None:
    from pytest_altlab.exams.manifest import candidate_instance

    exam = str(Path(__file__).parent / "exams" / "probe-exam.yaml")
    args = ("--lab-dir", str(TEST_LABS))
    env = {"ALTLAB_HOME": str(tmp_path / "home")}
    inst = candidate_instance("probe-exam", "gina")
    assert altlab(*args, "exam", "start", exam, "--candidates", "gina", env=env).returncode == 0
    try:
        res = altlab(*args, "grade", "probe", "--instance", inst, env=env)
        assert res.returncode == 1, res.stderr
        out = res.stdout
        assert "expected /srv/answer" not in out and "look at" not in out  # no details
        assert "port published on loopback" not in out  # the hidden check
        assert "graded by the proctor only" in out and "score 0/5" in out  # every check's points, as candidate.html
        for mark in TRACEBACK_MARKS:
            assert mark not in out, mark
        verbose = altlab(*args, "grade", "probe", "--instance", inst, "--verbose", env=env)
        assert "def test_answer_file" not in verbose.stdout  # --verbose changes nothing here
        assert altlab(*args, "grade", "probe", "--instance", inst, "--report", str(tmp_path / "r.json"),
                      env=env).returncode == 2
        # pytest --lab on the same instance: the report it writes is the candidate's view too
        report = tmp_path / "cand.json"
        subprocess.run([sys.executable, "-m", "pytest", "--lab", "probe", "--lab-instance", inst, *args,
                        "--lab-report", str(report), "-p", "no:cacheprovider", "-q"], cwd=tmp_path,
                       env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
        doc = json.loads(report.read_text())
        assert doc["mode"] == "exam" and doc["score"] == 0 and doc["max_score"] == 5
        text = json.dumps(doc)
        assert "expected /srv/answer" not in text and "test_port_published_on_loopback" not in text
        assert altlab(*args, "reset", "probe", "--instance", inst, "--yes", env=env).returncode == 2
        assert altlab(*args, "watch", "probe", "--instance", inst, "--every", "1", env=env).returncode == 2
        sheet = altlab(*args, "exam", "sheet", exam, "gina", env=env).stdout
        assert "What you may use" in sheet and f"--instance {inst}" in sheet
    finally:
        altlab(*args, "exam", "stop", exam, env=env)
