"""The practice server against real containers: a learner's own lab, quota, Check my work, hints, reset, idle stop."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator

import pytest

from pytest_altlab.portal.app import Portal
from pytest_altlab.portal.drill_routes import reap_idle
from pytest_altlab.portal.engine import Engine

from .conftest import TEST_LABS, altlab
from .portal_support import LiveServer, ws_read_until

pytestmark = pytest.mark.docker


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ALTLAB_HOME", str(tmp_path))
    srv = LiveServer(Portal(Engine(None, [str(TEST_LABS)]), quota=1, idle_minutes=60))
    try:
        yield srv
    finally:
        srv.stop()
        for lab in ("probe", "never-healthy"):
            altlab("--lab-dir", str(TEST_LABS), "stop", lab, "--instance", "d-lea")


def test_learner_practises_a_lab(server: LiveServer) -> None:
    res = altlab("--lab-dir", str(TEST_LABS), "portal", "learner", "add", "lea")
    assert res.returncode == 0, res.stderr
    token = re.search(r"lea: \S+/login\?t=(\S+)", res.stdout).group(1)  # type: ignore[union-attr]
    import requests

    s = requests.Session()
    assert s.get(f"{server.url}/login?t={token}", timeout=30).status_code == 200
    s.headers["X-CSRF-Token"] = s.get(f"{server.url}/api/me", timeout=30).json()["csrf"]
    assert s.post(f"{server.url}/api/drill/start", json={"lab": "probe"}, timeout=300).status_code == 200
    me = s.get(f"{server.url}/api/me", timeout=30).json()
    assert [x["id"] for x in me["labs"]] == ["probe"] and "/srv/answer" in me["labs"][0]["task_html"]
    r = s.post(f"{server.url}/api/drill/start", json={"lab": "never-healthy"}, timeout=60)
    assert r.status_code == 409 and "at most 1" in r.json()["error"]  # the quota
    with server.ws(s, "/ws/c/lea/probe/box") as ws:
        ws.send(json.dumps({"t": "i", "d": "echo wrong > /srv/answer; echo d-$((1+1))\r"}))
        assert "d-2" in ws_read_until(ws, "d-2")
    doc = s.post(f"{server.url}/api/drill/check", json={"lab": "probe"}, timeout=300)
    assert doc.status_code == 404  # Check my work is /api/check in both modes
    doc = s.post(f"{server.url}/api/check", json={"lab": "probe"}, timeout=300).json()
    checks = {c["title"]: c for c in doc["labs"][0]["checks"]}
    answer = next(c for t, c in checks.items() if "answer" in t)
    assert answer["status"] == "failed" and "found 'wrong'" in answer["message"]  # the messages of `altlab grade`
    hint = s.post(f"{server.url}/api/drill/hint", json={"lab": "probe"}, timeout=60).json()
    assert hint["index"] == 1 and hint["cost"] == 1 and hint["text"] == "Look in /srv."
    assert s.post(f"{server.url}/api/drill/reset", json={"lab": "probe"}, timeout=300).status_code == 200
    # abandoned: no terminal open for longer than the idle limit -> the lab is stopped
    server.portal.idle_minutes = 0
    server.portal.seen["lea"] = 0
    assert asyncio.run(reap_idle(server.portal)) == ["lea/probe"]
    assert s.get(f"{server.url}/api/me", timeout=30).json()["labs"] == []


def test_practice_server_pool_hands_learners_ready_instances(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # `altlab portal --drills --pool probe`: a learner's start claims a ready instance, and a reset swaps in the
    # next one (the pool refills itself behind each claim).
    import time

    from pytest_altlab.lab import LabRunner
    from pytest_altlab.pool import drain, fill, ready
    from pytest_altlab.portal.engine import learner_instance

    monkeypatch.setenv("ALTLAB_HOME", str(tmp_path))
    eng = Engine(None, [str(TEST_LABS)])
    m = eng.catalog.get("probe")
    try:
        assert fill(m, 1, echo=lambda s: None) == 1
        (first,) = ready(m, "debian", None)
        eng.start_drill("pia", "probe", quota=1)
        runner = LabRunner(m, learner_instance("pia"))
        st = runner.state()
        assert st is not None and st.project == first.project, "the learner got the ready pool instance"
        deadline = time.monotonic() + 180  # the claim refills the pool in the background
        while not ready(m, "debian", None) and time.monotonic() < deadline:
            time.sleep(1)
        (second,) = ready(m, "debian", None)
        eng.reset("pia", "probe")
        now = runner.state()
        assert now is not None and now.project == second.project, "the reset swapped in the next ready instance"
    finally:
        eng.stop_drill("pia", "probe")
        drain(m)
        deadline = time.monotonic() + 120  # the refill after the last claim and the swapped-out instance
        while time.monotonic() < deadline and any(
                d.name for d in (tmp_path / "instances").glob("*probe--pool-*") if (d / "state.json").exists()):
            drain(m)
            time.sleep(2)


def test_pool_option_is_for_the_practice_server_and_names_real_labs() -> None:
    res = altlab("--lab-dir", str(TEST_LABS), "portal", "--drills", "--pool", "probe=0")
    assert res.returncode == 2 and "whole number from 1 to 20" in res.stderr
    res = altlab("--lab-dir", str(TEST_LABS), "portal", "--drills", "--pool", "prboe")
    assert res.returncode == 2 and "prboe" in res.stderr and "Traceback" not in res.stderr
