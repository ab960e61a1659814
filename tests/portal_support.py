"""Test support for the portal: an exam run of the probe exam (no containers) behind Starlette's TestClient."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

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

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")  # type: ignore[arg-type]

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
