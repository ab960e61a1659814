"""Drill mode on a shared practice server: pick a lab (own instance, within a quota), hints with their cost, reset."""

from __future__ import annotations

import asyncio
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .app import Portal, _one_at_a_time, deny, guarded, portal_of
from .auth import Session

__all__ = ["routes", "idle_reaper", "reap_idle"]


async def _lab(request: Request) -> str:
    return str((await request.json()).get("lab", ""))


def _drills_only(p: Portal) -> Response | None:
    return deny(409, "not on an exam") if p.engine.mode != "drill" else None


@guarded("candidate")
async def start(request: Request, sess: Session) -> Response:
    p = portal_of(request)
    if (r := _drills_only(p)) is not None:
        return r
    lab = await _lab(request)
    if lab not in [i for i, _ in await p.call(p.engine.lab_ids)]:
        return deny(400, "no such lab")
    p.touch(sess.who)
    return await _one_at_a_time(p, sess.who, p.engine.start_drill, sess.who, lab, p.quota)


async def _lab_action(request: Request, sess: Session, action: str, closes: str | None = None) -> Response:
    """A learner's action on one of their own labs (stop, hint, reset): drills only, one at a time per learner;
    `closes` ends that lab's open terminals first, saying why."""
    p = portal_of(request)
    if (r := _drills_only(p)) is not None:
        return r
    lab = await _lab(request)
    if closes:
        await _close_lab(p, sess.who, lab, closes)
    return await _one_at_a_time(p, sess.who, getattr(p.engine, action), sess.who, lab)


@guarded("candidate")
async def stop(request: Request, sess: Session) -> Response:
    return await _lab_action(request, sess, "stop_drill", "you stopped this lab")


@guarded("candidate")
async def hint(request: Request, sess: Session) -> Response:
    return await _lab_action(request, sess, "hint")


@guarded("candidate")
async def reset(request: Request, sess: Session) -> Response:
    return await _lab_action(request, sess, "reset", "the lab was reset: reopen the tab")


async def _close_lab(p: Portal, who: str, lab: str, why: str) -> None:
    for s in p.hub.of_owner(who):
        if s.key[1] == lab:
            await p.hub.close(s.id, why)


async def idle_reaper(p: Portal, every: float = 60.0) -> None:
    while True:
        await asyncio.sleep(every)
        await reap_idle(p)


async def reap_idle(p: Portal) -> list[str]:
    """Stop the labs of learners who have had no terminal open for `idle_minutes` (abandoned labs cost RAM)."""
    now, stopped = time.time(), []
    for who, seen in list(p.seen.items()):
        if any(s.writers for s in p.hub.of_owner(who)):
            p.seen[who] = now
            continue
        if now - seen > p.idle_minutes * 60:
            for lab, _ in await p.call(p.engine._drill_labs, who):
                await _close_lab(p, who, lab, "stopped after a long idle time")
                await p.call(p.engine.stop_drill, who, lab)
                stopped.append(f"{who}/{lab}")
            p.seen.pop(who, None)
    return stopped


def routes() -> list[BaseRoute]:
    return [
        Route("/api/drill/start", start, methods=["POST"]),
        Route("/api/drill/stop", stop, methods=["POST"]),
        Route("/api/drill/hint", hint, methods=["POST"]),
        Route("/api/drill/reset", reset, methods=["POST"]),
    ]
