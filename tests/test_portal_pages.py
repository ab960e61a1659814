"""The portal's pages without Docker: the task sheet's wording, the drill API's refusals, the candidate's JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pytest_altlab.portal.app import Portal, create_app
from pytest_altlab.portal.auth import issue_token
from pytest_altlab.portal.engine import Engine, task_for_portal

from .portal_support import make_room


def test_task_sheet_speaks_of_the_portal() -> None:
    text = ("Work in `altlab shell rabbitmq-vhosts`; see `altlab status\nrabbitmq-vhosts`.\n"
            "Restart: `altlab --lab-dir x restart lab`. Grade: `altlab grade lab`.")
    exam = task_for_portal(text, exam=True)
    assert "altlab" not in exam
    assert "the terminal tabs" in exam and "**Check** button" in exam and "**Restart services**" in exam
    assert "**Check my work**" in task_for_portal(text, exam=False)


def test_candidate_json_has_the_task_rendered_without_raw_html(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    room = make_room(monkeypatch, tmp_path)
    try:
        alice, _ = room.login("alice")
        me = alice.get("/api/me").json()
        assert me["mode"] == "exam" and me["who"] == "alice" and me["labs"][0]["services"] == ["box"]
        assert 25 * 60 < me["seconds_left"] <= 30 * 60
        assert me["labs"][0]["hints"] == []  # no hints in an exam
        assert alice.post("/api/drill/hint", json={"lab": "probe"}, headers={"x-csrf-token": me["csrf"]}
                          ).status_code == 409
    finally:
        room.close()


def test_drill_learner_sees_the_catalog_and_cannot_start_unknown_labs(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    monkeypatch.setenv("ALTLAB_HOME", str(tmp_path))
    eng = Engine(None, [str(Path(__file__).parent / "labs")])
    client = TestClient(create_app(Portal(eng)), base_url="http://testserver")
    assert client.get(f"/login?t={issue_token(eng, 'lea', 'learner')}").status_code == 200
    me = client.get("/api/me").json()
    assert me["mode"] == "drill" and me["labs"] == [] and "probe" in [x["id"] for x in me["catalog"]]
    r = client.post("/api/drill/start", json={"lab": "../../etc"}, headers={"x-csrf-token": me["csrf"]})
    assert r.status_code == 400
    assert client.post("/api/finish", json={}, headers={"x-csrf-token": me["csrf"]}).status_code == 409
    assert client.get("/c/someone-else").status_code == 403
