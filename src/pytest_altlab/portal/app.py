"""The portal's web app: login links, the candidate page and its API, the proctor console, security headers."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from .auth import COOKIE, Auth, Session
from .engine import AltlabError, Engine
from .terminals import DockerExecProcess, Process, TerminalHub

__all__ = ["Portal", "create_app"]

STATIC = Path(__file__).parent / "static"
ProcessFactory = Callable[[str, str, str, int, int], Process]  # (who, lab, service, cols, rows)
DRILL_SESSION = 12 * 3600.0
_md = MarkdownIt("commonmark", {"html": False})  # lab text is markdown; raw HTML in it is shown, not run


class Portal:
    """The app's shared state: engine, hub, logins, broadcasts, and one grading at a time per candidate."""

    def __init__(self, engine: Engine, *, tls: bool = False, process_factory: ProcessFactory | None = None,
                 quota: int = 2, idle_minutes: float = 60) -> None:
        self.engine = engine
        self.tls = tls
        self.hub = TerminalHub(grace=120)
        self.auth = Auth(engine)
        self.broadcasts: list[dict[str, Any]] = []
        self.busy: dict[str, asyncio.Lock] = {}
        self.last_score: dict[str, Any] = {}
        self.quota, self.idle_minutes = quota, idle_minutes
        self.process_factory = process_factory or self._docker_process
        self._room: tuple[float, list[dict[str, Any]]] = (0.0, [])
        self.seen: dict[str, float] = {}  # drills: when each learner last had a terminal or pressed a button

    def touch(self, who: str) -> None:
        self.seen[who] = time.time()

    def _docker_process(self, who: str, lab: str, service: str, cols: int, rows: int) -> Process:
        container = self.engine.container(who, lab, service)
        return DockerExecProcess(self.engine.docker_client(), container, ["bash", "-l"], cols=cols, rows=rows)

    async def call(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """Library calls block (Docker, pytest): a worker thread keeps the event loop serving terminals."""
        return await asyncio.get_running_loop().run_in_executor(None, partial(fn, *args, **kw))

    # --- time --------------------------------------------------------------------------------------

    def deadline_ts(self, who: str) -> float | None:
        d = self.engine.deadline(who) if self.engine.mode == "exam" else None
        return d.timestamp() if d else None

    def seconds_left(self, who: str) -> float | None:
        d = self.deadline_ts(who)
        return None if d is None else max(0.0, d - time.time())

    def closed_reason(self, who: str) -> str | None:
        """Why this candidate may no longer type: the time limit passed, or they pressed Finish."""
        if self.engine.mode != "exam":
            return None
        if self.engine.finished(who):
            return "you have finished the exam"
        left = self.seconds_left(who)
        return "the time limit has passed" if left is not None and left <= 0 else None

    async def room(self) -> list[dict[str, Any]]:
        """The proctor's view, at most once per 2 s however many consoles watch (docker ps is not free)."""
        if time.monotonic() - self._room[0] > 2:
            rows = await self.call(self.engine.room)
            self._room = (time.monotonic(), rows)
        rows = [dict(r) for r in self._room[1]]
        for r in rows:
            live = self.hub.of_owner(r["candidate"])
            r["terminals"] = [{"lab": s.key[1], "service": s.key[2], "connected": s.writers > 0} for s in live]
            r["connected"] = any(s.writers > 0 for s in live)
            r["last_check"] = self.last_score.get(r["candidate"])
        return rows


# --- helpers shared by the route modules ------------------------------------------------------------------

def portal_of(conn: HTTPConnection) -> Portal:
    p: Portal = conn.app.state.portal
    return p


def session_of(conn: HTTPConnection) -> Session | None:
    return portal_of(conn).auth.session(conn.cookies.get(COOKIE))


def same_origin(conn: HTTPConnection) -> bool:
    """The Origin header names this very server (scheme and host as the browser reached it)."""
    origin = conn.headers.get("origin")
    host = conn.headers.get("host")
    if not origin or not host:
        return False
    scheme = "https" if conn.url.scheme in ("https", "wss") else "http"
    return origin == f"{scheme}://{host}"


def deny(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


Handler = Callable[[Request, Session], Awaitable[Response]]


def guarded(role: str, *, csrf: bool = True) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """A route for one role; state-changing methods also need the CSRF token and a same-origin request."""

    def wrap(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            sess = session_of(request)
            if sess is None:
                return deny(401, "not signed in: open the link you were given")
            if sess.role != role and not (role == "candidate" and sess.role == "learner"):
                return deny(403, "not allowed")
            who = request.path_params.get("who")
            if who is not None and who != sess.who:
                return deny(403, "not your page")
            if request.method != "GET" and csrf:
                if "origin" in request.headers and not same_origin(request):
                    return deny(403, "cross-site request refused")
                if not portal_of(request).auth.csrf_ok(sess, request.headers.get("x-csrf-token")):
                    return deny(403, "missing or wrong CSRF token")
            try:
                return await fn(request, sess)
            except AltlabError as e:
                return deny(409, e.message)

        return endpoint

    return wrap


# --- login and pages ---------------------------------------------------------------------------------------

async def login(request: Request) -> Response:
    p = portal_of(request)
    addr = request.client.host if request.client else "?"
    if p.auth.limiter.blocked(addr):
        return deny(429, "too many wrong links from your address: wait a minute")
    token = request.query_params.get("t", "")
    entry = await p.call(_redeem, p, token) if 8 <= len(token) <= 100 else None
    if entry is None:
        p.auth.limiter.failed(addr)
        return HTMLResponse(_page("Link not valid", "<p>This link is unknown or was already used. "
                                  "Ask the proctor for a new one.</p>"), status_code=403)
    sid, sess = entry
    target = "/proctor" if sess.role == "proctor" else f"/c/{sess.who}"
    # A same-site page that moves on: a SameSite=Strict cookie set here is sent with the next request.
    resp = HTMLResponse(_page("Signed in", f'<p>Signed in. <a id="go" href="{target}">Continue</a></p>',
                              refresh=target))
    resp.set_cookie(COOKIE, sid, max_age=max(60, int(sess.expires - time.time())), httponly=True,
                    samesite="strict", secure=p.tls, path="/")
    return resp


def _redeem(p: Portal, token: str) -> tuple[str, Session] | None:
    def expiry(who: str, role: str) -> float:
        """A candidate's cookie ends with their time limit; the proctor's and a learner's last the day."""
        if role == "candidate" and p.engine.mode == "exam":
            return p.deadline_ts(who) or time.time()
        return time.time() + DRILL_SESSION

    return p.auth.redeem(token, expiry)


def _page(title: str, body: str, refresh: str | None = None) -> str:
    meta = f'<meta http-equiv="refresh" content="0;url={refresh}">' if refresh else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">{meta}<title>{title}</title>'
            f'<link rel="stylesheet" href="/static/portal.css"></head><body><main class="plain">'
            f"<h1>{title}</h1>{body}</main></body></html>")


async def home(request: Request) -> Response:
    sess = session_of(request)
    if sess is None:
        return HTMLResponse(_page("altlab portal", "<p>Open the personal link the proctor gave you.</p>"))
    return RedirectResponse("/proctor" if sess.role == "proctor" else f"/c/{sess.who}", status_code=303)


async def candidate_page(request: Request) -> Response:
    sess = session_of(request)
    if sess is None or sess.role == "proctor" or sess.who != request.path_params["who"]:
        return HTMLResponse(_page("Not your page", "<p>This page belongs to someone else.</p>"), status_code=403)
    return FileResponse(STATIC / "candidate.html")


@guarded("candidate")
async def api_me(request: Request, sess: Session) -> Response:
    p = portal_of(request)
    labs = await p.call(p.engine.labs, sess.who)
    out = [{"id": x.id, "title": x.title, "services": list(x.services), "task_html": _md.render(x.task),
            "hints": [{"cost": c} for _, c in x.hints] if p.engine.mode == "drill" else []} for x in labs]
    body: dict[str, Any] = {"who": sess.who, "mode": p.engine.mode, "title": p.engine.title, "labs": out,
                            "seconds_left": p.seconds_left(sess.who), "closed": p.closed_reason(sess.who),
                            "csrf": sess.csrf, "broadcasts": p.broadcasts[-5:]}
    if p.engine.mode == "drill":
        body["catalog"] = [{"id": i, "title": t} for i, t in await p.call(p.engine.lab_ids)]
        body["quota"] = p.quota
    resp = JSONResponse(body)
    # Called again after an extension: the cookie's lifetime follows the candidate's new deadline.
    resp.set_cookie(COOKIE, request.cookies[COOKIE], max_age=max(60, int(sess.expires - time.time())), httponly=True,
                    samesite="strict", secure=p.tls, path="/")
    return resp


async def _one_at_a_time(p: Portal, who: str, fn: Callable[..., Any], *args: Any) -> Response:
    lock = p.busy.setdefault(who, asyncio.Lock())
    if lock.locked():
        return deny(409, "a check is already running: wait for its result")
    async with lock:
        try:
            return JSONResponse(await p.call(fn, *args))
        except AltlabError as e:
            return deny(409, e.message)


@guarded("candidate")
async def api_check(request: Request, sess: Session) -> Response:
    p = portal_of(request)
    if p.engine.mode == "exam":
        if reason := p.closed_reason(sess.who):
            return deny(409, reason)
        resp = await _one_at_a_time(p, sess.who, p.engine.check_visible, sess.who)
        if resp.status_code == 200:
            import json

            doc = json.loads(bytes(resp.body))
            p.last_score[sess.who] = {"percent": doc["percent"], "at": dt.datetime.now(dt.UTC).strftime("%H:%M:%S")}
        return resp
    lab = (await request.json()).get("lab", "")
    return await _one_at_a_time(p, sess.who, p.engine.check_drill, sess.who, lab)


@guarded("candidate")
async def api_finish(request: Request, sess: Session) -> Response:
    p = portal_of(request)
    if p.engine.mode != "exam":
        return deny(409, "only an exam can be finished")
    if p.engine.finished(sess.who):
        return deny(409, "you have already finished")
    resp = await _one_at_a_time(p, sess.who, partial(p.engine.grade, final=True), sess.who)
    if resp.status_code == 200:
        await p.hub.close_owner(sess.who, "you have finished the exam")
        return JSONResponse({"finished": True})
    return resp


@guarded("candidate")
async def api_restart_services(request: Request, sess: Session) -> Response:
    p = portal_of(request)
    if reason := p.closed_reason(sess.who):
        return deny(409, reason)
    lab = (await request.json()).get("lab", "")
    return await _one_at_a_time(p, sess.who, p.engine.restart_services, sess.who, lab)


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        resp = await call_next(request)
        resp.headers["Content-Security-Policy"] = ("default-src 'self'; script-src 'self'; style-src 'self' "
                                                   "'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"  # the login token never leaks in a Referer
        resp.headers["Cache-Control"] = "no-store"
        return resp


def create_app(portal: Portal) -> Starlette:
    from . import drill_routes, proctor_routes, ws

    routes = [
        Route("/", home),
        Route("/login", login),
        Route("/c/{who}", candidate_page),
        Route("/api/me", api_me),
        Route("/api/check", api_check, methods=["POST"]),
        Route("/api/finish", api_finish, methods=["POST"]),
        Route("/api/restart-services", api_restart_services, methods=["POST"]),
        Route("/api/events", ws.candidate_events),
        WebSocketRoute("/ws/c/{who}/{lab}/{service}", ws.terminal),
        *proctor_routes.routes(),
        *drill_routes.routes(),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        reaper = asyncio.ensure_future(drill_routes.idle_reaper(portal)) if portal.engine.mode == "drill" else None
        yield
        if reaper:
            reaper.cancel()
        await portal.hub.shutdown()

    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)
    app.state.portal = portal
    # uvicorn logs an error for every refused WebSocket upgrade (our 403s), though the refusal is intended.
    logging.getLogger("uvicorn.error").addFilter(lambda r: "without completing handshake" not in r.getMessage())
    return app
