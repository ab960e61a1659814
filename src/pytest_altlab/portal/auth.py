"""Logins: one-time link tokens (only their hashes are stored), session cookies, CSRF tokens, a guess limiter."""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import Engine

__all__ = ["Auth", "Session", "RateLimiter", "digest", "issue_token", "write_tokens_csv"]

COOKIE = "altlab_session"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(engine: Engine, who: str, role: str) -> str:
    """A new one-time login token for a candidate, learner or the proctor; the run state keeps its hash only."""
    token = secrets.token_urlsafe(24)
    with engine.portal_state() as ps:
        ps.setdefault("tokens", {})[digest(token)] = {"who": who, "role": role, "issued": int(time.time()),
                                                      "used": None}
    return token


def write_tokens_csv(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    """tokens.csv (candidate, token, link) for the proctor to hand out; mode 0600, appended on later starts."""
    path = folder / "tokens.csv"
    new = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.chmod(path, 0o600)
    with os.fdopen(fd, "a", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(["candidate", "token", "link"])
        w.writerows(rows)
    return path


@dataclass(frozen=True)
class Session:
    who: str
    role: str  # candidate | learner | proctor
    csrf: str
    expires: float


class RateLimiter:
    """At most `limit` failed token tries per client address per `window` seconds."""

    def __init__(self, limit: int = 5, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._fails: dict[str, deque[float]] = {}

    def blocked(self, addr: str) -> bool:
        q = self._fails.get(addr)
        now = time.monotonic()
        while q and now - q[0] > self.window:
            q.popleft()
        return q is not None and len(q) >= self.limit

    def failed(self, addr: str) -> None:
        self._fails.setdefault(addr, deque()).append(time.monotonic())


class Auth:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.limiter = RateLimiter()
        self._sessions: dict[str, Session] = {}  # digest(cookie) -> session; also persisted in the run state

    def redeem(self, token: str, expiry: Callable[[str, str], float]) -> tuple[str, Session] | None:
        """Exchange a one-time token for a new session; None if unknown or already used (second use fails)."""
        h = digest(token)
        with self.engine.portal_state() as ps:
            entry = ps.get("tokens", {}).get(h)
            if entry is None or entry.get("used"):
                return None
            entry["used"] = int(time.time())
            sid = secrets.token_urlsafe(32)
            sess = Session(who=entry["who"], role=entry["role"], csrf=secrets.token_urlsafe(24),
                           expires=expiry(entry["who"], entry["role"]))
            ps.setdefault("sessions", {})[digest(sid)] = sess.__dict__
        self._sessions[digest(sid)] = sess
        return sid, sess

    def session(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        h = digest(cookie)
        sess = self._sessions.get(h)
        if sess is None:  # a session made before this portal process started (restart mid-exam)
            raw: dict[str, Any] | None = self.engine.read_portal_state().get("sessions", {}).get(h)
            if raw is None:
                return None
            sess = self._sessions[h] = Session(**raw)
        if time.time() > sess.expires:
            return None
        return sess

    def extend(self, who: str, expires: float) -> None:
        """A candidate's cookie lives until their deadline; an extension moves it."""
        with self.engine.portal_state() as ps:
            for h, raw in ps.get("sessions", {}).items():
                if raw["who"] == who and raw["role"] == "candidate":
                    raw["expires"] = max(raw["expires"], expires)
                    self._sessions[h] = Session(**raw)

    @staticmethod
    def csrf_ok(sess: Session, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(sess.csrf, str(given))
