"""Exam item analysis on synthetic report dicts: pass shares, discrimination, flags, copied values; the command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from pytest_altlab.exams.reports import rollup_html
from pytest_altlab.exams.stats import check_stats, exam_stats, find_leaks, stats_html

from .conftest import TEST_LABS, altlab


def doc(cid: str, percent: float, statuses: dict[str, str], params: dict[str, str] | None = None,
        evidence: dict[str, list[dict]] | None = None, lab: str = "rabbitmq-vhosts") -> dict:
    checks = [{"id": k, "title": k.replace("_", " "), "phase": "initial", "points": 1.0, "status": v,
               "message": "", "evidence": (evidence or {}).get(k, [])} for k, v in statuses.items()]
    return {"candidate": cid, "percent": percent, "passed": percent >= 70, "finished_at": "2026-12-01T10:00:00",
            "labs": [{"lab": {"id": lab}, "percent": percent, "parameters": params or {}, "checks": checks}]}


def room() -> list[dict]:
    """Ten candidates, totals 10..100: the stronger half passes test_good, the weaker half test_reverse."""
    out = []
    for i in range(10):
        total = 10.0 * (i + 1)
        out.append(doc(f"c{i}", total, {"test_good": "passed" if i >= 5 else "failed", "test_broken": "failed",
                                        "test_easy": "passed", "test_reverse": "passed" if i < 5 else "failed"}))
    return out


def by_check(docs: list[dict]) -> dict:
    return {s.check: s for s in check_stats(docs)}


def test_shares_discrimination_and_flags() -> None:
    s = by_check(room())
    assert (s["test_good"].passed, s["test_good"].candidates, s["test_good"].share) == (5, 10, 0.5)
    assert s["test_good"].discrimination == 1.0 and s["test_good"].point_biserial > 0.8
    assert s["test_good"].flag == ""
    assert s["test_broken"].share == 0 and "likely broken" in s["test_broken"].flag
    assert s["test_broken"].point_biserial is None  # nobody differs on it: undefined, not 0
    assert s["test_easy"].share == 1 and "everyone passes" in s["test_easy"].flag
    assert s["test_reverse"].discrimination == -1.0 and s["test_reverse"].point_biserial < 0
    assert "weaker candidates" in s["test_reverse"].flag


def test_point_biserial_matches_the_formula() -> None:
    docs = [doc("a", 100, {"t": "passed"}), doc("b", 80, {"t": "passed"}), doc("c", 60, {"t": "failed"}),
            doc("d", 40, {"t": "failed"})]
    sd = math.sqrt((30 ** 2 + 10 ** 2 + 10 ** 2 + 30 ** 2) / 4)
    want = (90 - 50) / sd * math.sqrt(0.5 * 0.5)
    s = by_check(docs)["t"]
    assert s.point_biserial == pytest.approx(want, abs=1e-3)
    assert s.discrimination == 1.0  # groups of round(0.27 * 4) = 1: the best passed, the weakest failed


def test_skipped_checks_and_zero_point_reruns_do_not_count() -> None:
    docs = [doc("a", 90, {"t": "passed"}), doc("b", 20, {"t": "skipped"})]
    docs[0]["labs"][0]["checks"].append({"id": "t", "phase": "after_restart", "points": 0, "status": "failed"})
    docs[0]["labs"][0]["checks"].append({"id": "test_restart", "phase": "after_restart", "points": 2,
                                         "status": "passed"})
    s = by_check(docs)
    assert (s["t"].candidates, s["t"].passed) == (1, 1) and s["t"].flag == ""  # one candidate: no flags
    assert s["test_restart"].passed == 1


def test_a_neighbours_value_in_evidence_is_a_warning() -> None:
    alice = doc("alice", 80, {"test_vhost": "passed"}, {"vhost": "altcraft-a1a1", "app_user": "altcraft",
                                                        "app_password": "***"},
                {"test_vhost": [{"kind": "exec", "stdout": "altcraft-a1a1\naltcraft-b0b0\n"}]})
    bob = doc("bob", 60, {"test_vhost": "passed"}, {"vhost": "altcraft-b0b0", "app_user": "altcraft",
                                                    "app_password": "***"})
    leaks = find_leaks([alice, bob])
    assert [(w.candidate, w.owner, w.parameter, w.value, w.check) for w in leaks] == [
        ("alice", "bob", "vhost", "altcraft-b0b0", "rabbitmq-vhosts/test_vhost")]  # app_user is shared: no leak


def test_secrets_compare_only_with_the_instances_values() -> None:
    alice = doc("alice", 80, {"test_login": "failed"}, {"app_password": "***"},
                {"test_login": [{"kind": "file", "content": "password = Bobs-Pass-77"}]})
    bob = doc("bob", 60, {"test_login": "passed"}, {"app_password": "***"})
    assert find_leaks([alice, bob]) == []  # redacted in the reports: nothing to compare
    state = {"alice": {"rabbitmq-vhosts": {"app_password": "Alices-Pass-11"}},
             "bob": {"rabbitmq-vhosts": {"app_password": "Bobs-Pass-77"}}}
    (w,) = find_leaks([alice, bob], state)
    assert (w.candidate, w.owner, w.secret, w.value) == ("alice", "bob", True, "***")
    assert "Bobs-Pass-77" not in json.dumps(exam_stats([alice, bob], state))


def test_short_values_are_not_evidence() -> None:
    alice = doc("alice", 80, {"t": "passed"}, {"answer": "17"}, {"t": [{"kind": "exec", "stdout": "42 17"}]})
    bob = doc("bob", 60, {"t": "passed"}, {"answer": "42"})
    assert find_leaks([alice, bob]) == []


def test_the_room_page_carries_the_stats_section() -> None:
    page = rollup_html("Exam", room())
    assert "<h2 id=stats>Checks across the room</h2>" in page and "likely broken" in page
    assert stats_html([]) == ""


def _fake_run(home: Path, docs: list[dict]) -> None:
    """An exam run's folder as `altlab exam grade` leaves it: run.json and one bundle per candidate."""
    base = home / "exams" / "probe-exam"
    cands = {d["candidate"]: {"state": "graded"} for d in docs}
    base.mkdir(parents=True)
    (base / "run.json").write_text(json.dumps({"exam": "probe-exam", "deadline": "2026-01-01T00:00:00+00:00",
                                               "candidates": cands, "run_id": "x", "seed": "s"}))
    for d in docs:
        b = base / "reports" / d["candidate"] / "attempt-1"
        b.mkdir(parents=True)
        (b / "report.json").write_text(json.dumps(d))


def test_exam_stats_command_table_and_json(tmp_path: Path) -> None:
    exam = str(TEST_LABS.parent / "exams" / "probe-exam.yaml")
    env = {"ALTLAB_HOME": str(tmp_path), "COLUMNS": "200"}
    res = altlab("--lab-dir", str(TEST_LABS), "exam", "stats", exam, env=env)
    assert res.returncode == 2 and "has not been started on this host" in res.stderr and "Traceback" not in res.stderr
    docs = [doc(f"c{i}", d["percent"], {c["id"]: c["status"] for c in d["labs"][0]["checks"]}, lab="probe")
            for i, d in enumerate(room())]
    docs[0]["labs"][0]["parameters"] = {"answer": "deadbeef"}
    docs[1]["labs"][0]["checks"][0]["evidence"] = [{"kind": "file", "content": "deadbeef"}]
    _fake_run(tmp_path, docs)
    res = altlab("--lab-dir", str(TEST_LABS), "exam", "stats", exam, env=env)
    assert res.returncode == 0, res.stderr
    assert "checks across 10 candidates" in res.stdout and "5/10 (50%)" in res.stdout
    assert "likely broken" in res.stdout
    assert "warning: c1: c0's probe.answer = 'deadbeef' appears in the evidence of probe/test_good" in res.stdout
    res = altlab("--lab-dir", str(TEST_LABS), "exam", "stats", exam, "--json", env=env)
    data = json.loads(res.stdout)
    assert data["candidates"] == 10 and len(data["checks"]) == 4 and len(data["leaks"]) == 1
