"""The proctor console: the live room (SSE), watching a terminal, extra time, restart, grade now, broadcast."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from .app import STATIC, _page, deny, guarded, portal_of, session_of
from .auth import Session
from .ws import event_stream, watch

__all__ = ["routes"]


async def console(request: Request) -> Response:
    sess = session_of(request)
    if sess is None or sess.role != "proctor":
        return HTMLResponse(_page("Proctors only", "<p>Open the proctor link printed by <code>altlab portal</code>."
                                  "</p>"), status_code=403)
    return FileResponse(STATIC / "proctor.html")


async def _room(request: Request) -> dict[str, Any]:
    p = portal_of(request)
    return {"exam": p.engine.title, "candidates": await p.room(), "broadcasts": p.broadcasts[-5:],
            "now": dt.datetime.now(dt.UTC).strftime("%H:%M:%S")}


@guarded("proctor")
async def room(request: Request, sess: Session) -> Response:
    body = await _room(request)
    body["csrf"] = sess.csrf
    return JSONResponse(body)


async def events(request: Request) -> Response:
    sess = session_of(request)
    if sess is None or sess.role != "proctor":
        return deny(403, "proctors only")
    return event_stream(request, lambda: _room(request))


async def _candidate(request: Request) -> tuple[dict[str, Any], str]:
    body = await request.json()
    cid = str(body.get("candidate", ""))
    p = portal_of(request)
    if cid not in await p.call(p.engine.candidates):
        raise _NoCandidate(cid)
    return body, cid


class _NoCandidate(Exception):
    pass


@guarded("proctor")
async def extend(request: Request, sess: Session) -> Response:
    p = portal_of(request)
    try:
        body, cid = await _candidate(request)
        minutes = float(body.get("minutes", 0))
    except (_NoCandidate, ValueError, TypeError):
        return deny(400, "name a candidate of this exam and a number of minutes")
    new = await p.call(p.engine.extend, cid, minutes, str(body.get("reason", "")) or "proctor's decision")
    p.hub.set_deadline(cid, new.timestamp())
    await p.call(p.auth.extend, cid, new.timestamp())
    p._room = (0.0, [])
    return JSONResponse({"candidate": cid, "deadline": new.isoformat(timespec="seconds"),
                         "seconds_left": max(0, int(new.timestamp() - time.time()))})


@guarded("proctor")
async def restart(request: Request, sess: Session) -> Response:
    p = portal_of(request)
    try:
        _, cid = await _candidate(request)
    except _NoCandidate:
        return deny(400, "no such candidate")
    await p.hub.close_owner(cid, "the proctor is restarting your environment: reopen the tab in a minute")
    await p.call(p.engine.restart_environment, cid)
    p._room = (0.0, [])
    return JSONResponse({"candidate": cid, "restarted": True})


@guarded("proctor")
async def grade_now(request: Request, sess: Session) -> Response:
    p = portal_of(request)
    try:
        _, cid = await _candidate(request)
    except _NoCandidate:
        return deny(400, "no such candidate")
    doc = await p.call(p.engine.grade, cid, final=False)
    p.last_score[cid] = {"percent": doc["percent"], "at": dt.datetime.now(dt.UTC).strftime("%H:%M:%S"),
                         "by": "proctor"}
    p._room = (0.0, [])
    return JSONResponse({"candidate": cid, "percent": doc["percent"], "passed": doc["passed"],
                         "attempt": doc["attempt"]})


@guarded("proctor")
async def broadcast(request: Request, sess: Session) -> Response:
    p = portal_of(request)
    text = str((await request.json()).get("message", "")).strip()[:500]
    if not text:
        return deny(400, "an empty message")
    msg = {"id": len(p.broadcasts) + 1, "text": text, "at": dt.datetime.now(dt.UTC).strftime("%H:%M")}
    p.broadcasts.append(msg)
    return JSONResponse(msg)


def routes() -> list[BaseRoute]:
    return [
        Route("/proctor", console),
        Route("/api/proctor/room", room),
        Route("/api/proctor/events", events),
        Route("/api/proctor/extend", extend, methods=["POST"]),
        Route("/api/proctor/restart", restart, methods=["POST"]),
        Route("/api/proctor/grade", grade_now, methods=["POST"]),
        Route("/api/proctor/broadcast", broadcast, methods=["POST"]),
        WebSocketRoute("/ws/watch/{who}/{lab}/{service}", watch),
    ]
