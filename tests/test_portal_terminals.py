"""The terminal hub without Docker: a local pty shell, fan-out, replay on reattach, recording, deadline."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from pytest_altlab.portal.recording import CastWriter, next_cast_path
from pytest_altlab.portal.terminals import LocalPtyProcess, TerminalHub


async def _read_until(q: asyncio.Queue[bytes | None], needle: bytes, timeout: float = 10) -> bytes:
    got = b""
    end = time.monotonic() + timeout
    while needle not in got:
        item = await asyncio.wait_for(q.get(), max(0.1, end - time.monotonic()))
        if item is None:
            break
        got += item
    return got


def test_hub_echo_replay_record_and_close(tmp_path: Path) -> None:
    async def main() -> None:
        hub = TerminalHub(grace=60)
        cast = CastWriter(next_cast_path(tmp_path, "lab", "box"), 80, 24)
        s = await hub.open(key=("alice", "lab", "box"), owner="alice",
                           process=LocalPtyProcess(["sh", "-i"]), recorder=cast)
        _, q = hub.subscribe(s.id)
        await hub.write(s.id, b"echo hel''lo-$((6*7))\n")
        assert b"hello-42" in await _read_until(q, b"hello-42")
        await hub.resize(s.id, 100, 30)
        hub.unsubscribe(s.id, q)
        assert hub.find(("alice", "lab", "box")) is s  # still alive after the viewer left
        replay, q2 = hub.subscribe(s.id)
        assert b"hello-42" in replay
        _, watcher = hub.subscribe(s.id, readonly=True)
        await hub.close_owner("alice", "the time limit has passed")
        while (item := await asyncio.wait_for(q2.get(), 5)) is not None:  # the end reaches every viewer
            assert isinstance(item, bytes)
        assert await asyncio.wait_for(watcher.get(), 5) is None or s.closed
        assert s.closed and s.reason == "the time limit has passed"
        assert hub.find(("alice", "lab", "box")) is None

    asyncio.run(main())
    lines = (tmp_path / "lab-box-1.cast").read_text().splitlines()
    assert json.loads(lines[0])["version"] == 2
    events = [json.loads(x) for x in lines[1:]]
    assert any(e[1] == "i" and "echo" in e[2] for e in events)
    assert any(e[1] == "o" and "hello-42" in e[2] for e in events)
    assert any(e[1] == "r" and e[2] == "100x30" for e in events)
    assert next_cast_path(tmp_path, "lab", "box").name == "lab-box-2.cast"


def test_hub_closes_at_the_deadline() -> None:
    async def main() -> None:
        hub = TerminalHub()
        s = await hub.open(key=("bob", "lab", "box"), owner="bob", process=LocalPtyProcess(["sh", "-i"]),
                           deadline=time.time() - 1)
        _, q = hub.subscribe(s.id)
        await hub.reap()
        while (item := await asyncio.wait_for(q.get(), 5)) is not None:
            assert isinstance(item, bytes)
        assert s.closed and "time limit" in s.reason

    asyncio.run(main())


def test_hub_closes_abandoned_shells() -> None:
    async def main() -> None:
        hub = TerminalHub(grace=0)
        s = await hub.open(key=("c", "lab", "box"), owner="c", process=LocalPtyProcess(["sh", "-i"]))
        _, q = hub.subscribe(s.id)
        hub.unsubscribe(s.id, q)
        await asyncio.sleep(0.05)
        await hub.reap()
        assert s.closed and "nobody attached" in s.reason

    asyncio.run(main())
