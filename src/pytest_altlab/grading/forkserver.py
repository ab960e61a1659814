"""The resident grader: a process with pytest, the plugin and the helpers imported that forks one child per grading.

Started on demand by forkclient (`python -m pytest_altlab.grading.forkserver SOCKET`); it detaches itself,
listens on a Unix socket (SOCK_SEQPACKET, mode 0600, same user only) and stops after ALTLAB_FORKSERVER_IDLE
seconds (default 600) without work, when its socket is removed, or when a client brings a newer package
fingerprint. One request = one JSON message with the stdout/stderr fds attached (SCM_RIGHTS):
  {"op": "grade", "fingerprint", "argv", "cwd", "env"} -> {"pid": child} ... {"exit": code}
  {"op": "ping"} -> {"pid", "fingerprint"};  {"op": "stop"} -> {"pid"}
The server stays single-threaded (fork after threads is unsafe) and does nothing but fork: every grading
starts from the same clean interpreter, and a child that crashes only loses its own exit code.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pkgutil
import selectors
import signal
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pluggy import HookimplMarker

from .forkclient import fingerprint, server_dir

pytest_hookimpl = HookimplMarker("pytest")

__all__ = ["Server", "main", "preload"]


class _Preloader:
    """Imports the helpers from inside a pytest session (then stops it), while pytest's assertion-rewriting
    import hook is installed: every module pytest would rewrite (the plugins' packages, installed from a
    wheel) is rewritten exactly as in a fresh `pytest`, so messages and reports come out the same."""

    @pytest_hookimpl(tryfirst=True)
    def pytest_cmdline_main(self, config: Any) -> int:
        from .. import helpers

        for mod in pkgutil.iter_modules(helpers.__path__):
            with contextlib.suppress(Exception):  # a helper whose client library is missing fails in its own check
                importlib.import_module(f"{helpers.__name__}.{mod.name}")
        return 0


def preload() -> None:
    """Import what every grading needs, so a child starts with it in memory: pytest's own plugins, the
    plugins installed with entry points (ours among them) and the check helpers."""
    import pytest
    from _pytest.config import default_plugins

    for name in default_plugins:
        with contextlib.suppress(ImportError):
            importlib.import_module(f"_pytest.{name}")
    here = server_dir()  # an empty private folder: no conftest.py or ini file of anyone's is picked up
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null), contextlib.chdir(here):
        pytest.main(["-p", "no:cacheprovider", "-q", "-c", os.devnull, "--rootdir", str(here)], plugins=[_Preloader()])
    # Preloaded objects out of the collector's sight: pytest's gc.collect() in a child would otherwise walk
    # (and so copy, page by page) the whole inherited heap; with freeze() a child's collection stays small.
    gc.collect()
    gc.freeze()


@dataclass
class Job:
    conn: socket.socket
    pid: int
    pidfd: int


@dataclass
class Server:
    path: Path
    fp: str = field(default_factory=fingerprint)
    idle: float = float(os.environ.get("ALTLAB_FORKSERVER_IDLE", "600"))
    jobs: dict[int, Job] = field(default_factory=dict)  # pidfd -> job
    stopping: bool = False
    ready_fd: int | None = None

    def serve(self) -> None:
        self.sel = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # a dead server's socket; the client holds the start lock, so no live one
        old = os.umask(0o177)
        try:
            self.listener.bind(str(self.path))
        finally:
            os.umask(old)
        self.inode = self.path.stat().st_ino
        self.listener.listen(64)
        self.sel.register(self.listener, selectors.EVENT_READ, "accept")
        self.pid_file = server_dir() / "grader.pid"
        self.pid_file.write_text(str(os.getpid()))
        if self.ready_fd is not None:
            os.write(self.ready_fd, b"ready")
            os.close(self.ready_fd)
            self.ready_fd = None
        last = time.monotonic()
        while True:
            for key, _ in self.sel.select(timeout=1.0):
                last = time.monotonic()
                if key.data == "accept":
                    self._accept()
                elif key.data == "request":
                    self._request(key.fileobj)  # type: ignore[arg-type]
                elif key.data == "client":
                    self._client_gone(key.fileobj)  # type: ignore[arg-type]
                else:
                    self._reap(key.data)
            if self.jobs:
                continue
            if self.stopping or time.monotonic() - last > self.idle or not self._socket_is_ours():
                break
        self._close()

    def _socket_is_ours(self) -> bool:
        try:
            return self.path.stat().st_ino == self.inode
        except OSError:
            return False

    def _close(self) -> None:
        if self._socket_is_ours():
            self.path.unlink()
        with contextlib.suppress(OSError):
            if self.pid_file.read_text() == str(os.getpid()):
                self.pid_file.unlink()
        self.listener.close()

    def _stop_listening(self) -> None:
        """Stale or asked to stop: take no new work; finish the running gradings, then exit."""
        self.stopping = True
        if self._socket_is_ours():
            self.path.unlink()
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(self.listener)

    def _accept(self) -> None:
        conn, _ = self.listener.accept()
        uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[1]
        if uid != os.getuid():  # the socket is 0600; this is belt and braces
            conn.close()
            return
        self.sel.register(conn, selectors.EVENT_READ, "request")

    def _reply(self, conn: socket.socket, msg: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):
            conn.send(json.dumps(msg).encode())

    def _request(self, conn: socket.socket) -> None:
        self.sel.unregister(conn)
        fds: list[int] = []
        try:
            data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 4)
            req = json.loads(data) if data else {}
        except (OSError, ValueError):
            req = {}
        try:
            op = req.get("op")
            if op == "ping":
                self._reply(conn, {"pid": os.getpid(), "fingerprint": self.fp})
            elif op == "stop":
                self._reply(conn, {"pid": os.getpid()})
                self._stop_listening()
            elif op == "grade" and req.get("fingerprint") != self.fp:
                self._reply(conn, {"error": "stale", "pid": os.getpid(), "fingerprint": self.fp})
                self._stop_listening()
            elif op == "grade" and len(fds) == 2 and isinstance(req.get("argv"), list):
                self._fork(conn, req, fds)
                return  # the job owns the connection now
            else:
                self._reply(conn, {"error": "bad request"})
        finally:
            for fd in fds:
                os.close(fd)
        conn.close()

    def _fork(self, conn: socket.socket, req: dict[str, Any], fds: list[int]) -> None:
        if threading.active_count() != 1:  # never fork with threads: a lock held by one would stay held forever
            self._reply(conn, {"error": f"the server has {threading.active_count()} threads"})
            conn.close()
            return
        pid = os.fork()
        if pid == 0:
            code = 3
            try:
                self._child_setup(req, fds)
                import pytest

                code = int(pytest.main(list(req["argv"])))
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 1
            except BaseException:  # noqa: BLE001 - the child reports whatever went wrong as pytest's internal error
                import traceback

                traceback.print_exc()
            finally:
                with contextlib.suppress(Exception):
                    sys.stdout.flush()
                    sys.stderr.flush()
                os._exit(code)
        pidfd = os.pidfd_open(pid)
        self.jobs[pidfd] = Job(conn, pid, pidfd)
        self.sel.register(pidfd, selectors.EVENT_READ, pidfd)
        self.sel.register(conn, selectors.EVENT_READ, "client")
        self._reply(conn, {"pid": pid})

    def _child_setup(self, req: dict[str, Any], fds: list[int]) -> None:
        """In the child: the server's sockets closed, the client's fds, directory and environment taken over."""
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        self.sel.close()
        self.listener.close()
        for job in self.jobs.values():
            job.conn.close()
            os.close(job.pidfd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        # New text streams: line buffering and colour follow what the fds are now (a terminal or a file).
        sys.stdout = open(1, "w", buffering=1 if os.isatty(1) else -1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
        os.chdir(req.get("cwd") or "/")
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in (req.get("env") or {}).items()})
        sys.path[0] = os.getcwd()  # as `python -m pytest` run there
        sys.argv = ["pytest", *req["argv"]]

    def _reap(self, pidfd: int) -> None:
        job = self.jobs.pop(pidfd)
        self.sel.unregister(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(job.pid, 0)
        self._reply(job.conn, {"exit": os.waitstatus_to_exitcode(status)})
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(job.conn)
        job.conn.close()

    def _client_gone(self, conn: socket.socket) -> None:
        """The client hung up mid-grading (Ctrl-C, its timeout): stop the child as Ctrl-C would."""
        for job in self.jobs.values():
            if job.conn is conn:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(job.pid, signal.SIGINT)
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(conn)


def _daemonize() -> int:
    """Second fork: the starter's process exits once the server listens (0) or died starting (1), so the
    client waits exactly as long as needed and no process keeps a zombie of the server. Returns the fd
    the server writes "ready" to."""
    r, w = os.pipe()
    if os.fork() > 0:
        os.close(w)
        ready = os.read(r, 16)
        os._exit(0 if ready == b"ready" else 1)
    os.close(r)
    with contextlib.suppress(OSError):  # already a session leader's child when started by the client
        os.setsid()
    return w


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0])
    server = Server(path, ready_fd=_daemonize())  # the fingerprint first: it names the code about to be imported
    preload()
    signal.signal(signal.SIGTERM, lambda *_: server._stop_listening())
    server.serve()


if __name__ == "__main__":
    main()
