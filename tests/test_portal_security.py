"""What the portal must never allow, each proven over HTTP/WebSocket (TestClient; local shells, no Docker)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from starlette.testclient import WebSocketDenialResponse

from pytest_altlab.portal.auth import COOKIE, issue_token

from .portal_support import ORIGIN, make_room, read_until


@pytest.fixture
def room(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    r = make_room(monkeypatch, tmp_path)
    yield r
    r.close()


def test_own_terminal_works_and_is_recorded(room) -> None:  # type: ignore[no-untyped-def]
    alice, _ = room.login("alice")
    with alice.websocket_connect("/ws/c/alice/probe/box?cols=90&rows=20", headers=ORIGIN) as ws:
        ws.send_json({"t": "i", "d": "echo ok-$((40+2))\n"})
        assert "ok-42" in read_until(ws, "ok-42")
    cast = room.engine.folder / "recordings" / "alice" / "probe-box-1.cast"
    assert cast.is_file() and stat.S_IMODE(cast.stat().st_mode) == 0o600
    text = cast.read_text()
    assert '"width": 90' in text and '"i", "echo ok-' in text and "ok-42" in text


def test_another_candidates_page_api_and_terminal_are_refused(room) -> None:  # type: ignore[no-untyped-def]
    bob, _ = room.login("bob")
    assert bob.get("/c/alice").status_code == 403
    assert bob.get("/c/bob").status_code == 200
    with pytest.raises(WebSocketDenialResponse) as e:
        with bob.websocket_connect("/ws/c/alice/probe/box", headers=ORIGIN):
            pass
    assert e.value.status_code == 403
    # and the proctor's watch socket is not a back door either
    with pytest.raises(WebSocketDenialResponse) as e:
        with bob.websocket_connect("/ws/watch/alice/probe/box", headers=ORIGIN):
            pass
    assert e.value.status_code == 403


def test_no_session_no_access(room) -> None:  # type: ignore[no-untyped-def]
    c = room.client()
    assert c.get("/c/alice").status_code == 403
    assert c.get("/api/me").status_code == 401
    assert c.post("/api/check", json={}).status_code == 401
    with pytest.raises(WebSocketDenialResponse) as e:
        with c.websocket_connect("/ws/c/alice/probe/box", headers=ORIGIN):
            pass
    assert e.value.status_code == 401


def test_proctor_pages_and_api_need_the_proctor_token(room) -> None:  # type: ignore[no-untyped-def]
    alice, csrf = room.login("alice")
    anon = room.client()
    for client in (alice, anon):
        assert client.get("/proctor").status_code == 403
        assert client.get("/api/proctor/room").status_code in (401, 403)
        assert client.get("/api/proctor/events?once=1").status_code == 403
        for path in ("extend", "restart", "grade", "broadcast"):
            r = client.post(f"/api/proctor/{path}", json={"candidate": "alice", "minutes": 60, "message": "x"},
                            headers={"x-csrf-token": csrf})
            assert r.status_code in (401, 403), path
    proctor, pcsrf = room.login("proctor", "proctor")
    assert proctor.get("/proctor").status_code == 200
    r = proctor.post("/api/proctor/broadcast", json={"message": "10 minutes left"}, headers={"x-csrf-token": pcsrf})
    assert r.status_code == 200
    assert "10 minutes left" in alice.get("/api/events?once=1").text


@pytest.mark.parametrize("path", [
    "/static/../engine.py", "/static/%2e%2e/engine.py", "/static/..%2fengine.py", "/static/vendor/../../app.py",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/tests/labs/probe/SOLUTION.md", "/static//etc/passwd",
    "/static/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "/labs/probe/SOLUTION.md", "/SOLUTION.md",
    "/static/../../../labs/rabbitmq-vhosts/checks/test_vhosts.py", "/key", "/run.json", "/tokens.csv",
    "/static/%252e%252e/engine.py", "/c/alice/../../key", "/api/../key",
])
def test_no_url_serves_checks_solutions_keys_or_host_files(room, path: str) -> None:  # type: ignore[no-untyped-def]
    alice, _ = room.login("alice")
    r = alice.get(path)
    assert r.status_code in (403, 404), (path, r.status_code)
    for secret in ("def ", "root:x:", "solution", "BEGIN", "import "):
        assert secret not in r.text, (path, secret)


def test_candidate_api_leaks_no_secrets(room) -> None:  # type: ignore[no-untyped-def]
    alice, _ = room.login("alice")
    body = alice.get("/api/me").text
    for path in Path(room.engine.catalog.get("probe").path).rglob("*"):
        if path.name in ("SOLUTION.md", "solution.sh") or "variants" in path.parts or "checks" in path.parts:
            if path.is_file() and path.stat().st_size > 20:
                assert path.read_text()[:60] not in body


def test_a_token_works_once_and_only_its_hash_is_stored(room) -> None:  # type: ignore[no-untyped-def]
    token = issue_token(room.engine, "alice", "candidate")
    assert token not in (room.engine.folder / "run.json").read_text()
    first, second = room.client(), room.client()
    assert first.get(f"/login?t={token}").status_code == 200
    assert second.get(f"/login?t={token}").status_code == 403
    assert COOKIE not in second.cookies
    cookie = first.cookies.get(COOKIE)
    assert cookie and cookie not in (room.engine.folder / "run.json").read_text()


def test_session_cookie_flags(room) -> None:  # type: ignore[no-untyped-def]
    r = room.client().get(f"/login?t={issue_token(room.engine, 'alice', 'candidate')}")
    header = r.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=strict" in header and "max-age=" in header
    max_age = int(header.split("max-age=")[1].split(";")[0])
    assert 25 * 60 <= max_age <= 30 * 60  # expires with the exam's deadline (30 min run)
    room.portal.tls = True
    r = room.client().get(f"/login?t={issue_token(room.engine, 'bob', 'candidate')}")
    assert "secure" in r.headers["set-cookie"].lower()
    assert r.headers["referrer-policy"] == "no-referrer"


def test_token_guessing_is_rate_limited_per_address(room) -> None:  # type: ignore[no-untyped-def]
    c = room.client()
    codes = [c.get(f"/login?t=guess-{i:04d}-xxxxxxxx").status_code for i in range(8)]
    assert codes[:5] == [403] * 5 and codes[5:] == [429] * 3
    # even the right token is refused while the address is blocked; other addresses are not affected
    assert c.get(f"/login?t={issue_token(room.engine, 'alice', 'candidate')}").status_code == 429
    room.portal.auth.limiter._fails.clear()
    assert c.get(f"/login?t={issue_token(room.engine, 'alice', 'candidate')}").status_code == 200


def test_websocket_upgrade_checks_origin(room) -> None:  # type: ignore[no-untyped-def]
    alice, _ = room.login("alice")
    for headers in ({"origin": "http://evil.example"}, {"origin": "http://testserver.evil.example"}, {}):
        with pytest.raises(WebSocketDenialResponse) as e:
            with alice.websocket_connect("/ws/c/alice/probe/box", headers=headers):
                pass
        assert e.value.status_code == 403


def test_state_changes_need_session_and_csrf(room) -> None:  # type: ignore[no-untyped-def]
    alice, csrf = room.login("alice")
    proctor, pcsrf = room.login("proctor", "proctor")
    for client, path, token in ((alice, "/api/finish", csrf), (alice, "/api/check", csrf),
                                (alice, "/api/restart-services", csrf), (proctor, "/api/proctor/extend", pcsrf),
                                (proctor, "/api/proctor/broadcast", pcsrf)):
        assert client.post(path, json={}).status_code == 403, path  # no CSRF token
        assert client.post(path, json={}, headers={"x-csrf-token": "wrong"}).status_code == 403, path
        assert client.post(path, json={}, headers={"x-csrf-token": token, "origin": "http://evil.example"}
                           ).status_code == 403, path
    assert alice.post("/api/finish", json={}, headers={"x-csrf-token": pcsrf}).status_code == 403  # not hers
    assert not room.engine.finished("alice")


def test_terminal_after_the_deadline_is_closed_by_the_server(room) -> None:  # type: ignore[no-untyped-def]
    alice, _ = room.login("alice")
    with alice.websocket_connect("/ws/c/alice/probe/box", headers=ORIGIN) as ws:
        ws.send_json({"t": "i", "d": "echo before\n"})
        assert "before" in read_until(ws, "before")
        term = room.portal.hub.find(("alice", "probe", "box"))
        term.deadline = time.time() - 1  # the time limit passes while the shell is open
        assert "time limit" in read_until(ws, "\0")
    assert term.closed
    room.set_deadline(-1)
    with pytest.raises(WebSocketDenialResponse) as e:  # and no new shell afterwards
        with alice.websocket_connect("/ws/c/alice/probe/box", headers=ORIGIN):
            pass
    assert e.value.status_code in (401, 403)


def test_tokens_csv_is_private(room, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from pytest_altlab.portal.cli import print_exam_links

    path = print_exam_links(str(room.engine.run.exam.file), [str(room.engine.catalog.dirs[0])], ["alice", "bob"],
                            "http://127.0.0.1:8765")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    out = capsys.readouterr().out
    token = out.split("alice: http://127.0.0.1:8765/login?t=")[1].split()[0]
    assert token in path.read_text()
    assert room.client().get(f"/login?t={token}").status_code == 200
