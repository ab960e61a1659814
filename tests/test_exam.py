"""Proctored exams on real containers (the probe lab): isolation, per-candidate values, reports, signatures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.errors import ManifestError
from pytest_altlab.exams.manifest import candidate_instance, load_exam
from pytest_altlab.grading.totals import weighted_total

from .conftest import TEST_LABS, altlab

EXAM = str(Path(__file__).parent / "exams" / "probe-exam.yaml")
L = ("--lab-dir", str(TEST_LABS))


def test_exam_manifest_errors_name_file_field_and_value(tmp_path: Path) -> None:
    f = tmp_path / "e.yaml"
    f.write_text("id: e1\ntitle: E\ntime_limit: 30\nlabs:\n  - {lab: nosuchlab}\n")
    with pytest.raises(ManifestError) as e:
        load_exam(f, Catalog([TEST_LABS]))
    assert str(f) in str(e.value) and "labs[0].lab" in str(e.value) and "'nosuchlab'" in str(e.value)
    f.write_text("id: e1\ntitle: E\ntime_limit: -5\nlabs: [probe]\n")
    with pytest.raises(ManifestError, match="time_limit"):
        load_exam(f, Catalog([TEST_LABS]))


def test_shipped_exam_validates() -> None:
    from pytest_altlab.exams.manifest import exam_ids, find_exam

    assert "admin-level-1" in exam_ids()
    e = find_exam("admin-level-1")
    assert len(e.labs) >= 3 and sum(x.weight for x in e.labs) > 0


def test_weighted_total() -> None:
    t = weighted_total([{"weight": 2, "percent": 100, "passed": True}, {"weight": 1, "percent": 40}], 70)
    assert t == {"percent": 80.0, "pass_mark": 70, "passed": True, "labs_passed": 1, "labs": 2}


@pytest.fixture
def home(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {"ALTLAB_HOME": str(tmp_path / "home")}
    yield env
    altlab(*L, "exam", "stop", EXAM, env=env)


def project_of(env: dict[str, str], candidate: str) -> str:
    """The compose project of a candidate's probe lab in that state folder (names carry the folder's tag)."""
    from pytest_altlab.instance import project_name

    old = os.environ.get("ALTLAB_HOME")
    os.environ["ALTLAB_HOME"] = env["ALTLAB_HOME"]
    try:
        return project_name("probe", candidate_instance("probe-exam", candidate))
    finally:
        os.environ["ALTLAB_HOME"] = old or ""


def status(env: dict[str, str]) -> dict[str, dict]:
    res = altlab(*L, "exam", "status", EXAM, "--json", env=env)
    assert res.returncode == 0, res.stderr
    return {r["candidate"]: r for r in json.loads(res.stdout)}


def answer_of(env: dict[str, str], cand: str) -> str:
    sheet = altlab(*L, "exam", "sheet", EXAM, cand, env=env).stdout
    return sheet.split("Write ", 1)[1].split()[0]


def container_started_at(project: str) -> str:
    out = subprocess.run(["docker", "ps", "-q", "--filter", f"label=com.docker.compose.project={project}"],
                         capture_output=True, text=True, check=True).stdout.split()
    return subprocess.run(["docker", "inspect", "--format", "{{.State.StartedAt}}", *out],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.docker
def test_room_start_grade_reports_and_signatures(home: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    res = altlab(*L, "exam", "start", EXAM, "--candidates", "alice,bob,carol", "--parallel", "3", env=home)
    assert res.returncode == 0, res.stdout + res.stderr
    st = status(home)
    assert {c: r["state"] for c, r in st.items()} == {"alice": "ready", "bob": "ready", "carol": "ready"}
    answers = {c: answer_of(home, c) for c in st}
    assert len(set(answers.values())) == 3, "each candidate gets their own parameter values"
    # alice answers; bob copies alice's answer (which is wrong for him)
    for cand, value in (("alice", answers["alice"]), ("bob", answers["alice"])):
        r = altlab(*L, "shell", "probe", "--instance", candidate_instance("probe-exam", cand), "--", "sh", "-c",
                   f"echo {value} > /srv/answer", env=home)
        assert r.returncode == 0, r.stderr
    carol_before = container_started_at(project_of(home, "carol"))
    alice_before = container_started_at(project_of(home, "alice"))
    res = altlab(*L, "exam", "grade", EXAM, "--candidates", "alice,bob", env=home)
    assert res.returncode == 0, res.stdout + res.stderr
    # a progress grading mid-exam restarts nothing: the after-restart check waits for the final grading
    assert "alice: 80% PASSED" in res.stdout and "bob: 0% NOT PASSED" in res.stdout
    assert container_started_at(project_of(home, "alice")) == alice_before
    assert container_started_at(project_of(home, "carol")) == carol_before
    final = altlab(*L, "exam", "grade", EXAM, "--candidates", "alice", "--final", env=home)
    assert "alice: 100% PASSED (attempt 2)" in final.stdout, final.stdout + final.stderr
    assert container_started_at(project_of(home, "alice")) != alice_before, "the final grading restarts"
    assert container_started_at(project_of(home, "carol")) == carol_before

    progress = Path(home["ALTLAB_HOME"]) / "exams" / "probe-exam" / "reports" / "alice" / "attempt-1"
    doc = json.loads((progress / "report.json").read_text())
    assert doc["percent"] == 80 and not doc["labs"][0]["persistence"]["ran"]
    bundle = progress.parent / "attempt-2"
    doc = json.loads((bundle / "report.json").read_text())
    assert doc["candidate"] == "alice" and doc["percent"] == 100 and doc["labs"][0]["persistence"]["ran"]
    assert doc["image_digests"]["probe/box"].startswith("altlab/debian:trixie@sha256:")
    assert doc["lab_versions"] == {"probe": 1} and doc["checker_version"]
    first = doc["labs"][0]["checks"][0]
    assert first["evidence"] and first["evidence"][0]["kind"] == "exec", "each check keeps what it observed"
    gs = json.loads((bundle / "results.json").read_text())
    assert gs["score"] == 100 and {t["visibility"] for t in gs["tests"]} == {"visible", "hidden"}
    assert all({"name", "score", "max_score", "status", "output", "visibility"} <= set(t) for t in gs["tests"])
    junit = (bundle / "junit.xml").read_text()
    assert '<property name="points" value="2.0" />' in junit
    proctor_html = (bundle / "report.html").read_text()
    candidate_view = (bundle / "candidate.html").read_text()
    assert "port published on loopback" in proctor_html and "port published on loopback" not in candidate_view
    assert "<script" not in proctor_html and "http" not in proctor_html.split("<body>")[0]

    # no hints and no reference solution while the exam runs
    bob = candidate_instance("probe-exam", "bob")
    assert "no hints in an exam" in altlab(*L, "hint", "probe", "--instance", bob, env=home).stderr
    sol = altlab(*L, "solution", "probe", "--give-up", env=home)
    assert sol.returncode == 2 and "not shown while exam probe-exam" in sol.stderr and "echo" not in sol.stdout
    ok = altlab(*L, "exam", "verify-report", str(bundle), "--exam", EXAM, env=home)
    assert ok.returncode == 0 and "exactly as signed" in ok.stdout
    # edit one number in the report: detected
    (bundle / "report.json").write_text((bundle / "report.json").read_text().replace('"percent": 100.0',
                                                                                     '"percent": 99.0', 1))
    bad = altlab(*L, "exam", "verify-report", str(bundle), "--exam", EXAM, env=home)
    assert bad.returncode == 1 and "report.json was changed after signing" in bad.stdout

    # re-grading adds an attempt, never overwrites; SQLite keeps them all
    assert altlab(*L, "exam", "grade", EXAM, "--candidates", "alice", env=home).returncode == 0
    assert (bundle.parent / "attempt-3" / "report.json").is_file()
    from pytest_altlab.store import Store

    monkeypatch.setenv("ALTLAB_HOME", home["ALTLAB_HOME"])
    rows = Store().exam_attempts("probe-exam")
    assert [(r["candidate"], r["attempt"]) for r in rows] == [("alice", 1), ("alice", 2), ("alice", 3), ("bob", 1)]
    room = Path(home["ALTLAB_HOME"]) / "exams" / "probe-exam" / "room.csv"
    assert room.read_text().splitlines()[0] == "candidate,probe,total %,result,graded at,final"


@pytest.mark.docker
def test_dead_environment_is_shown_and_restarted_alone(home: dict[str, str]) -> None:
    assert altlab(*L, "exam", "start", EXAM, "--candidates", "dan,erin", env=home).returncode == 0
    dan_answer = answer_of(home, "dan")
    erin_before = container_started_at(project_of(home, "erin"))
    subprocess.run(["docker", "rm", "-f", project_of(home, "dan") + "-box-1"], capture_output=True, check=True)
    assert status(home)["dan"]["state"] == "down"
    res = altlab(*L, "exam", "restart-candidate", EXAM, "dan", env=home)
    assert res.returncode == 0, res.stderr
    assert "dan/probe: started again (volumes kept): box" in res.stdout, res.stdout + res.stderr
    assert status(home)["dan"]["state"] == "ready"
    assert answer_of(home, "dan") == dan_answer, "the same parameters after a restart"
    assert container_started_at(project_of(home, "erin")) == erin_before


@pytest.mark.docker
def test_time_limit_grades_automatically_and_later_changes_do_not_count(home: dict[str, str]) -> None:
    res = altlab(*L, "exam", "start", EXAM, "--candidates", "fay", "--minutes", "0.15", "--proctor", env=home)
    assert res.returncode == 0, res.stderr
    answer = answer_of(home, "fay")
    bundle = Path(home["ALTLAB_HOME"]) / "exams" / "probe-exam" / "reports" / "fay" / "attempt-1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (bundle / "SIGNATURE.json").exists():
        time.sleep(1)
    assert (bundle / "SIGNATURE.json").exists(), "the proctor graded at the time limit"
    doc = json.loads((bundle / "report.json").read_text())
    assert doc["final"] is True and doc["percent"] == 0
    late = altlab(*L, "shell", "probe", "--instance", candidate_instance("probe-exam", "fay"), "--", "sh", "-c",
                  f"echo {answer} > /srv/answer", env=home)
    assert late.returncode == 2 and "time limit" in late.stderr
    # even a change made another way does not count: a later grading is marked and the final one stands
    subprocess.run(["docker", "exec", project_of(home, "fay") + "-box-1", "sh", "-c",
                    f"echo {answer} > /srv/answer"], check=True)
    regrade = altlab(*L, "exam", "grade", EXAM, "--candidates", "fay", env=home)
    assert "after the time limit" in regrade.stdout
    assert status(home)["fay"]["score"] == 0
    room = (Path(home["ALTLAB_HOME"]) / "exams" / "probe-exam" / "room.csv").read_text()
    assert "fay,0,0,not passed" in room


@pytest.mark.docker
def test_pytest_exam_candidate_grades_like_lab(home: dict[str, str], pytester: pytest.Pytester,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert altlab(*L, "exam", "start", EXAM, "--candidates", "gus", env=home).returncode == 0
    monkeypatch.setenv("ALTLAB_HOME", home["ALTLAB_HOME"])  # the pytester subprocess inherits it
    report = pytester.path / "r.json"
    res = pytester.runpytest_subprocess(*L, "--exam", EXAM, "--candidate", "gus", "--lab-report", str(report))
    doc = json.loads(report.read_text())
    assert doc["kind"] == "exam" and doc["candidate"] == "gus" and doc["percent"] == 0
    out = res.stdout.str()
    assert "exam probe-exam: 0%" in out
    assert "port published on loopback" not in out, "hidden checks stay out of the candidate's view"
    assert "expected /srv/answer" not in out, "exam mode shows status, not failure details"


@pytest.mark.docker
def test_html_report_renders_in_headless_chromium(home: dict[str, str], tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        if os.environ.get("CI"):
            pytest.fail("CI must have chromium (scripts/bootstrap.sh installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    assert altlab(*L, "exam", "start", EXAM, "--candidates", "hal", env=home).returncode == 0
    assert altlab(*L, "exam", "grade", EXAM, "--candidates", "hal", env=home).returncode == 0
    page = Path(home["ALTLAB_HOME"]) / "exams" / "probe-exam" / "reports" / "hal" / "attempt-1" / "report.html"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'ud'}"]
    shot = tmp_path / "report.png"
    subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    assert '<b id="total">0%</b>' in dom and '<b id="candidate">hal</b>' in dom

