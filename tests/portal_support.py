"""Test support for the portal: an exam run of the probe exam (no containers) behind Starlette's TestClient."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.from_thread
import pytest
from starlette.testclient import TestClient

from pytest_altlab.portal.app import Portal, create_app
from pytest_altlab.portal.auth import issue_token
from pytest_altlab.portal.engine import Engine
from pytest_altlab.portal.terminals import LocalPtyProcess

TESTS = Path(__file__).parent
PROBE_EXAM = TESTS / "exams" / "probe-exam.yaml"
ORIGIN = {"origin": "http://testserver"}


@dataclass
class Room:
    engine: Engine
    portal: Portal
    app: object
    _loop: Any = None
    _cm: Any = None

    def client(self) -> TestClient:
        """A browser; all of them share one event loop, as they would share the one of a real server."""
        if self._loop is None:
            self._cm = anyio.from_thread.start_blocking_portal()
            self._loop = self._cm.__enter__()
        c = TestClient(self.app, base_url="http://testserver")  # type: ignore[arg-type]
        loop = self._loop
        c.portal_factory = lambda: contextlib.nullcontext(loop)  # type: ignore[assignment,return-value]
        return c

    def close(self) -> None:
        if self._loop is not None:
            self._loop.call(self.portal.hub.shutdown)
            self._cm.__exit__(None, None, None)
            self._loop = None

    def login(self, who: str, role: str = "candidate") -> tuple[TestClient, str]:
        """A browser that opened its link: (client with the session cookie, CSRF token)."""
        c = self.client()
        r = c.get(f"/login?t={issue_token(self.engine, who, role)}")
        assert r.status_code == 200, r.text
        if role == "proctor":
            return c, c.get("/api/proctor/room").json()["csrf"]
        return c, c.get("/api/me").json()["csrf"]

    def set_deadline(self, minutes_from_now: float) -> None:
        assert self.engine.run
        with self.engine.run.locked() as data:
            data["deadline"] = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes_from_now)).isoformat()


def make_room(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, candidates: tuple[str, ...] = ("alice", "bob"),
              process: object = None) -> Room:
    """The probe exam's run state with candidates, as `altlab exam start` leaves it, minus the containers:
    terminals are local `sh` processes, so every HTTP and WebSocket rule is testable without Docker."""
    monkeypatch.setenv("ALTLAB_HOME", str(tmp_path / "home"))
    eng = Engine(str(PROBE_EXAM), [str(TESTS / "labs")])
    assert eng.run
    eng.run.begin("seed", 30, "debian")
    for c in candidates:
        eng.run.set_candidate(c, state="ready")

    def local(who: str, lab: str, service: str, cols: int, rows: int) -> LocalPtyProcess:
        return LocalPtyProcess(["sh", "-i"], cols, rows)

    portal = Portal(eng, process_factory=process or local)  # type: ignore[arg-type]
    return Room(eng, portal, create_app(portal))


def read_until(ws: object, needle: str, limit: int = 200) -> str:
    """Terminal output from a TestClient WebSocket until `needle` shows (or the server closes)."""
    got = ""
    for _ in range(limit):
        msg = ws.receive()  # type: ignore[attr-defined]
        if msg.get("bytes"):
            got += msg["bytes"].decode("utf-8", "replace")
        elif msg.get("text"):
            got += "\n" + json.loads(msg["text"]).get("reason", "")
            if json.loads(msg["text"]).get("t") == "closed":
                return got
        elif msg["type"] == "websocket.close":
            return got
        if needle in got:
            return got
    return got


class LiveServer:
    """The portal served by uvicorn on a free 127.0.0.1 port in a thread: real HTTP, real WebSockets, one loop."""

    def __init__(self, portal: Portal) -> None:
        import socket
        import threading

        import uvicorn

        # The listening socket is ours and handed to uvicorn: a port picked, closed and bound again later could be
        # taken in between by another worker's server or a lab's published port (the tests run in parallel).
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.portal = portal
        cfg = uvicorn.Config(create_app(portal), host="127.0.0.1", port=self.port, log_level="warning",
                             ws="websockets-sansio")
        self.server = uvicorn.Server(cfg)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        import time

        for _ in range(200):
            if self.server.started:
                break
            time.sleep(0.05)
        assert self.server.started, f"the portal did not start serving on {self.url} within 10 s"

    def link(self, who: str, role: str = "candidate") -> str:
        return f"{self.url}/login?t={issue_token(self.portal.engine, who, role)}"

    def login(self, who: str, role: str = "candidate") -> tuple[Any, str]:
        import requests

        s = requests.Session()
        assert s.get(self.link(who, role), timeout=30).status_code == 200
        csrf = s.get(f"{self.url}/api/{'proctor/room' if role == 'proctor' else 'me'}", timeout=30).json()["csrf"]
        s.headers["X-CSRF-Token"] = csrf
        return s, csrf

    def ws(self, session: Any, path: str) -> Any:
        from websockets.sync.client import connect

        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        return connect(f"ws://127.0.0.1:{self.port}{path}", additional_headers={"Cookie": cookie, "Origin": self.url},
                       open_timeout=30)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()


def ws_read_until(ws: Any, needle: str, timeout: float = 30) -> str:
    """Terminal output from a live WebSocket until `needle` shows or the server closes it."""
    import time

    got, end = "", time.monotonic() + timeout
    while needle not in got and time.monotonic() < end:
        try:
            msg = ws.recv(timeout=max(0.1, end - time.monotonic()))
        except TimeoutError:
            break
        except Exception:  # closed by the server
            break
        if isinstance(msg, bytes):
            got += msg.decode("utf-8", "replace")
        else:
            m = json.loads(msg)
            got += "\n" + m.get("reason", "")
            if m.get("t") == "closed":
                break
    return got
