"""The terminal hub: shells kept alive server-side, fanned out to any number of viewers, recorded, reattachable.

A Process is one running shell with a pty (a Docker exec, or a local pty in tests). The hub owns the
sessions; a web tab or an SSH channel is only a subscriber, so a dropped connection leaves the shell
running for `grace` seconds and a reattach replays the recent output first.

    hub = TerminalHub(grace=120)
    s = await hub.open(key=("alice", "lab", "box"), owner="alice", process=proc, recorder=cast)
    replay, queue = hub.subscribe(s.id)        # queue yields bytes, then None when the shell ends
    await hub.write(s.id, b"ls\\r"); await hub.resize(s.id, 120, 40)
    hub.unsubscribe(s.id, queue); await hub.close(s.id, "time is up")
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .recording import CastWriter

__all__ = ["Process", "DockerExecProcess", "LocalPtyProcess", "Session", "TerminalHub"]

REPLAY_BYTES = 64 * 1024


class Process(Protocol):
    def read(self) -> bytes:
        """Block until output is there; b"" once the shell has ended."""

    def write(self, data: bytes) -> None: ...

    def resize(self, cols: int, rows: int) -> None: ...

    def close(self) -> None: ...


class DockerExecProcess:
    """`bash -l` in a container through the engine API (exec_create tty+stdin, exec_start socket)."""

    def __init__(self, client: Any, container: str, argv: Sequence[str], *, user: str | None = None,
                 cols: int = 80, rows: int = 24, env: dict[str, str] | None = None) -> None:
        self.api = client.api
        self.exec_id = self.api.exec_create(container, list(argv), stdin=True, tty=True, user=user or "",
                                            environment={"TERM": "xterm-256color", **(env or {})})["Id"]
        self.sock = self.api.exec_start(self.exec_id, tty=True, socket=True)
        self.raw = getattr(self.sock, "_sock", self.sock)  # the SDK wraps the socket in a SocketIO
        self.resize(cols, rows)

    def read(self) -> bytes:
        try:
            return bytes(self.raw.recv(65536))
        except OSError:
            return b""

    def write(self, data: bytes) -> None:
        self.raw.sendall(data)

    def resize(self, cols: int, rows: int) -> None:
        with contextlib.suppress(Exception):  # the exec may have ended between a resize and now
            self.api.exec_resize(self.exec_id, height=rows, width=cols)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.raw.shutdown(2)
        with contextlib.suppress(OSError):
            self.raw.close()


class LocalPtyProcess:
    """A local command on a pty: the hub's tests and the latency benchmark's baseline."""

    def __init__(self, argv: Sequence[str], cols: int = 80, rows: int = 24) -> None:
        import pty
        import subprocess

        self.master, slave = pty.openpty()
        self.resize(cols, rows)
        self.proc = subprocess.Popen(list(argv), stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                     env={**os.environ, "TERM": "xterm-256color"})
        os.close(slave)

    def read(self) -> bytes:
        try:
            return os.read(self.master, 65536)
        except OSError:
            return b""

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def resize(self, cols: int, rows: int) -> None:
        import fcntl
        import struct
        import termios

        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait(timeout=5)
        with contextlib.suppress(OSError):
            os.close(self.master)


@dataclass
class Session:
    id: str
    key: tuple[str, ...]  # (owner, lab, service): at most one live shell per key
    owner: str
    process: Process
    recorder: CastWriter | None = None
    deadline: float | None = None  # epoch seconds; the hub closes the shell then
    replay: deque[bytes] = field(default_factory=deque)
    replay_size: int = 0
    subscribers: set[asyncio.Queue[bytes | None]] = field(default_factory=set)
    writers: int = 0  # read-write subscribers (a proctor watching read-only does not count)
    detached_at: float | None = None
    closed: bool = False
    reason: str = ""
    started: float = field(default_factory=time.time)


class TerminalHub:
    def __init__(self, grace: float = 120.0) -> None:
        self.grace = grace
        self.sessions: dict[str, Session] = {}
        self._by_key: dict[tuple[str, ...], str] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reaper: asyncio.Task[None] | None = None

    # --- opening and finding ----------------------------------------------------------------------

    async def open(self, *, key: tuple[str, ...], owner: str, process: Process,
                   recorder: CastWriter | None = None, deadline: float | None = None) -> Session:
        """Register a started process; a reader thread feeds its output to every subscriber."""
        self._loop = asyncio.get_running_loop()
        if self._reaper is None or self._reaper.done():
            self._reaper = self._loop.create_task(self._reap_forever())
        s = Session(id=secrets.token_urlsafe(12), key=key, owner=owner, process=process, recorder=recorder,
                    deadline=deadline, detached_at=time.monotonic())
        self.sessions[s.id] = s
        self._by_key[key] = s.id
        threading.Thread(target=self._pump, args=(s,), daemon=True, name=f"term-{s.id}").start()
        return s

    def find(self, key: tuple[str, ...]) -> Session | None:
        """The live shell for this key, to reattach to; None if there is none (or it ended)."""
        sid = self._by_key.get(key)
        s = self.sessions.get(sid) if sid else None
        return s if s is not None and not s.closed else None

    def get(self, sid: str) -> Session | None:
        return self.sessions.get(sid)

    def of_owner(self, owner: str) -> list[Session]:
        return [s for s in self.sessions.values() if s.owner == owner and not s.closed]

    # --- viewers --------------------------------------------------------------------------------

    def subscribe(self, sid: str, *, readonly: bool = False) -> tuple[bytes, asyncio.Queue[bytes | None]]:
        """(recent output to replay, a queue of further output; None in it means the shell ended)."""
        s = self.sessions[sid]
        q: asyncio.Queue[bytes | None] = asyncio.Queue()
        if s.closed:
            q.put_nowait(None)
        s.subscribers.add(q)
        if not readonly:
            s.writers += 1
            s.detached_at = None
        return b"".join(s.replay), q

    def unsubscribe(self, sid: str, q: asyncio.Queue[bytes | None], *, readonly: bool = False) -> None:
        s = self.sessions.get(sid)
        if s is None:
            return
        s.subscribers.discard(q)
        if not readonly:
            s.writers = max(0, s.writers - 1)
            if s.writers == 0:
                s.detached_at = time.monotonic()  # the grace period starts

    async def write(self, sid: str, data: bytes) -> None:
        s = self.sessions[sid]
        if s.closed:
            return
        if s.recorder:
            s.recorder.input(data)
        await asyncio.get_running_loop().run_in_executor(None, s.process.write, data)

    async def resize(self, sid: str, cols: int, rows: int) -> None:
        s = self.sessions[sid]
        if s.closed or not (1 <= cols <= 1000 and 1 <= rows <= 1000):
            return
        if s.recorder:
            s.recorder.resize(cols, rows)
        await asyncio.get_running_loop().run_in_executor(None, s.process.resize, cols, rows)

    # --- ending -----------------------------------------------------------------------------------

    async def close(self, sid: str, reason: str = "closed") -> None:
        s = self.sessions.get(sid)
        if s is None or s.closed:
            return
        await asyncio.get_running_loop().run_in_executor(None, self._end, s, reason)

    async def close_owner(self, owner: str, reason: str) -> int:
        mine = self.of_owner(owner)
        for s in mine:
            await self.close(s.id, reason)
        return len(mine)

    def set_deadline(self, owner: str, deadline: float | None) -> None:
        for s in self.of_owner(owner):
            s.deadline = deadline

    async def shutdown(self) -> None:
        for sid in list(self.sessions):
            await self.close(sid, "the portal stopped")
        if self._reaper:
            self._reaper.cancel()

    def _end(self, s: Session, reason: str) -> None:
        if s.closed:
            return
        s.closed, s.reason = True, reason
        with contextlib.suppress(Exception):
            s.process.close()
        if s.recorder:
            s.recorder.close()
        if self._by_key.get(s.key) == s.id:
            del self._by_key[s.key]
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is gone: the server is stopping anyway
                self._loop.call_soon_threadsafe(self._broadcast, s, None)

    def _pump(self, s: Session) -> None:
        """Reader thread: the process's output into the replay buffer, the recording and every queue."""
        while True:
            data = s.process.read()
            if not data:
                break
            if s.recorder:
                s.recorder.output(data)
            assert self._loop is not None
            try:
                self._loop.call_soon_threadsafe(self._feed, s, data)
            except RuntimeError:
                break
        self._end(s, s.reason or "the shell ended")

    def _feed(self, s: Session, data: bytes) -> None:
        s.replay.append(data)
        s.replay_size += len(data)
        while s.replay_size > REPLAY_BYTES and len(s.replay) > 1:
            s.replay_size -= len(s.replay.popleft())
        self._broadcast(s, data)

    def _broadcast(self, s: Session, data: bytes | None) -> None:
        for q in list(s.subscribers):
            q.put_nowait(data)

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            await self.reap()

    async def reap(self) -> None:
        """Close shells past their deadline, and shells nobody has been attached to for `grace` seconds."""
        now, mono = time.time(), time.monotonic()
        for s in list(self.sessions.values()):
            if s.closed:
                if not s.subscribers:
                    self.sessions.pop(s.id, None)
                continue
            if s.deadline is not None and now >= s.deadline:
                await self.close(s.id, "the time limit has passed")
            elif s.writers == 0 and s.detached_at is not None and mono - s.detached_at > self.grace:
                await self.close(s.id, "nobody attached for too long")
