"""Terminal WebSockets (a candidate's own shell; a proctor's read-only watch) and the server-push event streams."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from .app import Portal, deny, portal_of, same_origin, session_of
from .recording import CastWriter, next_cast_path
from .terminals import Session as Term

__all__ = ["terminal", "watch", "candidate_events", "event_stream"]


async def _refuse(ws: WebSocket, status: int, why: str) -> None:
    """An HTTP error instead of the upgrade (403 for a stranger); a plain close where the server cannot."""
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        await ws.send_denial_response(PlainTextResponse(why, status_code=status))
    else:
        await ws.close(code=1008, reason=why)


async def terminal(ws: WebSocket) -> None:
    p = portal_of(ws)
    if not same_origin(ws):
        return await _refuse(ws, 403, "cross-origin WebSocket refused")
    sess = session_of(ws)
    who, lab, service = ws.path_params["who"], ws.path_params["lab"], ws.path_params["service"]
    if sess is None:
        return await _refuse(ws, 401, "not signed in")
    if sess.role not in ("candidate", "learner") or sess.who != who:
        return await _refuse(ws, 403, "not your terminal")
    if reason := p.closed_reason(who):
        return await _refuse(ws, 403, reason)
    labs = {x.id: x.services for x in await p.call(p.engine.labs, who)}
    if service not in labs.get(lab, ()):
        return await _refuse(ws, 404, "no such lab service")
    p.touch(who)
    cols = _int(ws.query_params.get("cols"), 80)
    rows = _int(ws.query_params.get("rows"), 24)
    term = p.hub.find((who, lab, service))
    if term is None:
        try:
            term = await _open(p, who, lab, service, cols, rows)
        except Exception as e:  # a stopped container, Docker down: say so in the tab
            await ws.accept()
            await ws.send_text(json.dumps({"t": "closed", "reason": f"could not open a shell: {e}"}))
            return await ws.close(code=4001)
    await ws.accept()
    await _bridge(p, ws, term, readonly=False)


async def _open(p: Portal, who: str, lab: str, service: str, cols: int, rows: int) -> Term:
    proc = await p.call(p.process_factory, who, lab, service, cols, rows)
    path = next_cast_path(p.engine.recordings(who), lab, service)
    cast = CastWriter(path, cols, rows, title=f"{who} {lab}/{service}")
    return await p.hub.open(key=(who, lab, service), owner=who, process=proc, recorder=cast,
                            deadline=p.deadline_ts(who))


async def watch(ws: WebSocket) -> None:
    """The proctor sees a candidate's shell live; input from this socket is ignored."""
    p = portal_of(ws)
    if not same_origin(ws):
        return await _refuse(ws, 403, "cross-origin WebSocket refused")
    sess = session_of(ws)
    if sess is None or sess.role != "proctor":
        return await _refuse(ws, 403, "proctors only")
    term = p.hub.find((ws.path_params["who"], ws.path_params["lab"], ws.path_params["service"]))
    await ws.accept()
    if term is None:
        await ws.send_text(json.dumps({"t": "closed", "reason": "no open shell"}))
        return await ws.close(code=4004)
    await _bridge(p, ws, term, readonly=True)


async def _bridge(p: Portal, ws: WebSocket, term: Term, *, readonly: bool) -> None:
    replay, q = p.hub.subscribe(term.id, readonly=readonly)

    async def down() -> None:
        if replay:
            await ws.send_bytes(replay)
        while (data := await q.get()) is not None:
            await ws.send_bytes(data)
        await ws.send_text(json.dumps({"t": "closed", "reason": term.reason}))
        await ws.close(code=4000)

    async def up() -> None:
        while True:
            msg = await ws.receive_text()
            if readonly:
                continue
            try:
                m = json.loads(msg)
            except json.JSONDecodeError:
                continue
            if m.get("t") == "i" and isinstance(m.get("d"), str):
                await p.hub.write(term.id, m["d"].encode())
            elif m.get("t") == "r":
                await p.hub.resize(term.id, _int(m.get("c"), 80), _int(m.get("r"), 24))

    tasks = [asyncio.ensure_future(down()), asyncio.ensure_future(up())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError, Exception):
                await t
        p.hub.unsubscribe(term.id, q, readonly=readonly)


def _int(v: Any, default: int) -> int:
    try:
        return max(1, min(1000, int(v)))
    except (TypeError, ValueError):
        return default


# --- server push (SSE) ----------------------------------------------------------------------------------

def event_stream(request: Request, produce: Callable[[], Awaitable[dict[str, Any]]], every: float = 2.0) -> Response:
    """text/event-stream of `produce()` every few seconds; `?once=1` sends one event (tests, curl)."""
    once = request.query_params.get("once") == "1"

    async def gen() -> AsyncIterator[bytes]:
        while True:
            yield f"data: {json.dumps(await produce())}\n\n".encode()
            if once or await request.is_disconnected():
                return
            await asyncio.sleep(every)

    return StreamingResponse(gen(), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})


async def candidate_events(request: Request) -> Response:
    p = portal_of(request)
    sess = session_of(request)
    if sess is None or sess.role == "proctor":
        return deny(401, "not signed in")
    who = sess.who

    async def produce() -> dict[str, Any]:
        return {"seconds_left": p.seconds_left(who), "closed": await p.call(p.closed_reason, who),
                "broadcasts": p.broadcasts[-5:]}

    return event_stream(request, produce)
