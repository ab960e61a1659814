"""The portal against real containers (probe exam): own shell, reattach, Check, extra time, Finish, recordings."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus

from pytest_altlab.portal.app import Portal
from pytest_altlab.portal.engine import Engine

from .conftest import TEST_LABS, altlab
from .portal_support import PROBE_EXAM, LiveServer, ws_read_until

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    home = tmp_path_factory.mktemp("portal-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("ALTLAB_HOME", str(home))
    res = altlab("--lab-dir", str(TEST_LABS), "exam", "start", str(PROBE_EXAM), "--candidates", "alice,bob",
                 "--minutes", "30", "--seed", "portal")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "alice: http://127.0.0.1:8765/login?t=" in res.stdout  # exam start hands out the links
    eng = Engine(str(PROBE_EXAM), [str(TEST_LABS)])
    portal = Portal(eng)  # the real process factory: `bash -l` through the engine API
    server = LiveServer(portal)
    try:
        yield server
    finally:
        server.stop()
        altlab("--lab-dir", str(TEST_LABS), "exam", "stop", str(PROBE_EXAM), "--all")
        mp.undo()


def _container_id(room: LiveServer, who: str) -> str:
    name = room.portal.engine.container(who, "probe", "box")
    return subprocess.run(["docker", "inspect", "-f", "{{.Config.Hostname}}", name], capture_output=True, text=True,
                          check=True).stdout.strip()


def _engine_view(room: LiveServer, who: str) -> str:
    """What the engine says of a candidate's containers (for a failure's message: why the portal saw them down)."""
    project = room.portal.engine.runners(who)[0].project
    ps = subprocess.run(["docker", "ps", "-a", "--filter", f"label=com.docker.compose.project={project}", "--format",
                         "{{.Names}} {{.Status}} {{.Labels}}"], capture_output=True, text=True).stdout
    return f"{project}: {ps or 'no containers'}"


def test_terminal_is_a_shell_in_the_candidates_own_container_and_reattaches(room: LiveServer) -> None:
    alice, _ = room.login("alice")
    with room.ws(alice, "/ws/c/alice/probe/box?cols=100&rows=30") as ws:
        ws.send(json.dumps({"t": "i", "d": "export MARK=kept-$((7*6)); hostname; echo done-$((0+1))\r"}))
        out = ws_read_until(ws, "done-1\r\n")
        assert _container_id(room, "alice") in out and _container_id(room, "bob") not in out
        ws.send(json.dumps({"t": "r", "c": 120, "r": 40}))
        ws.send(json.dumps({"t": "i", "d": "stty size\r"}))
        assert "40 120" in ws_read_until(ws, "40 120")
    # the connection dropped; the same shell is still there, and its recent output comes back first
    with room.ws(alice, "/ws/c/alice/probe/box") as ws:
        assert "done-1" in ws_read_until(ws, "done-1")
        ws.send(json.dumps({"t": "i", "d": "echo got-$MARK\r"}))
        assert "got-kept-42" in ws_read_until(ws, "got-kept-42")
    casts = sorted((room.portal.engine.folder / "recordings" / "alice").glob("probe-box-*.cast"))
    assert [c.name for c in casts] == ["probe-box-1.cast"]  # one shell, one recording
    lines = casts[0].read_text().splitlines()
    assert json.loads(lines[0])["width"] == 100
    kinds = {json.loads(x)[1] for x in lines[1:]}
    assert kinds >= {"o", "i", "r"}


def test_check_shows_visible_status_and_the_score_rises(room: LiveServer) -> None:
    bob, _ = room.login("bob")
    before = bob.post(f"{room.url}/api/check", json={}).json()
    titles = [c["title"] for lab in before["labs"] for c in lab["checks"]]
    assert not any("loopback" in t for t in titles)  # the exam hides this check
    assert all(set(c) == {"title", "status"} for lab in before["labs"] for c in lab["checks"])  # no messages
    st = room.portal.engine.runners("bob")[0].state()
    assert st is not None
    with room.ws(bob, "/ws/c/bob/probe/box") as ws:
        ws.send(json.dumps({"t": "i", "d": f"printf '%s\\n' {st.params['answer']} > /srv/answer; echo wr''itten\r"}))
        assert "written\r\n" in ws_read_until(ws, "written\r\n")
    after = bob.post(f"{room.url}/api/check", json={}).json()
    assert after["percent"] > before["percent"]


def test_proctor_extends_grades_and_the_candidate_finishes(room: LiveServer) -> None:
    proctor, _ = room.login("proctor", "proctor")
    alice, _ = room.login("alice")
    left = alice.get(f"{room.url}/api/me").json()["seconds_left"]
    r = proctor.post(f"{room.url}/api/proctor/extend",
                     json={"candidate": "alice", "minutes": 15, "reason": "late start"})
    assert r.status_code == 200, r.text
    assert alice.get(f"{room.url}/api/me").json()["seconds_left"] > left + 14 * 60
    for _ in range(3):  # the room view is refreshed every 2 s at most: a second look sees a later engine
        event = proctor.get(f"{room.url}/api/proctor/events?once=1").text  # one server-push event of the live room
        rows = {x["candidate"]: x for x in json.loads(event.removeprefix("data: "))["candidates"]}
        if rows["alice"]["labs"] == {"probe": "running"}:
            break
        time.sleep(2.5)
    assert rows["alice"]["extra_minutes"] == 15 and rows["bob"]["extra_minutes"] == 0
    assert rows["alice"]["labs"] == {"probe": "running"}, _engine_view(room, "alice")
    with room.ws(alice, "/ws/c/alice/probe/box") as ws:  # a shell (so a recording) whichever test ran first
        assert "#" in ws_read_until(ws, "# ")
    doc = proctor.post(f"{room.url}/api/proctor/grade", json={"candidate": "alice"}).json()
    bundle = room.portal.engine.folder / "reports" / "alice" / f"attempt-{doc['attempt']}"
    report = json.loads((bundle / "report.json").read_text())
    assert report["accommodations"][0]["minutes"] == 15 and report["accommodations"][0]["reason"] == "late start"
    assert (bundle / "recordings").is_dir()  # the evidence helper's bundle carries the portal's recordings
    with room.ws(alice, "/ws/c/alice/probe/box") as ws:
        r = alice.post(f"{room.url}/api/finish", json={})
        assert r.status_code == 200, r.text
        # the server closed the open terminal (grading's restart phase may have ended the shell first)
        assert ws_read_until(ws, "\0").endswith(("you have finished the exam", "the shell ended"))
    with pytest.raises(InvalidStatus) as e:
        room.ws(alice, "/ws/c/alice/probe/box")
    assert e.value.response.status_code == 403
    assert json.loads(sorted(Path(room.portal.engine.folder / "reports" / "alice").glob("attempt-*"))[-1]
                      .joinpath("report.json").read_text())["final"] is True


def test_proctor_restarts_one_environment(room: LiveServer) -> None:
    proctor, _ = room.login("proctor", "proctor")
    bob, _ = room.login("bob")
    before = _container_id(room, "bob")
    with room.ws(bob, "/ws/c/bob/probe/box") as ws:
        assert "#" in ws_read_until(ws, "# ")
        r = proctor.post(f"{room.url}/api/proctor/restart", json={"candidate": "bob"}, timeout=300)
        assert r.status_code == 200, r.text
        assert "restarting your environment" in ws_read_until(ws, "\0")
    # Only what is down is brought back (stopped, paused or removed containers; volumes kept): bob's box was
    # running, so it is the same container, and the candidate's work in it is still there.
    assert _container_id(room, "bob") == before
    with room.ws(bob, "/ws/c/bob/probe/box") as ws:  # and a new shell in it
        ws.send(json.dumps({"t": "i", "d": "echo new-$((2*2))\r"}))
        assert "new-4" in ws_read_until(ws, "new-4")
    assert proctor.post(f"{room.url}/api/proctor/restart", json={"candidate": "mallory"}).status_code == 400
