"""Client of the resident grader: find or start the fork server, hand it one pytest run, fall back without it."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import AltlabError
from ..paths import home_tag, private_dir, state_home

__all__ = ["ForkServerError", "fingerprint", "ping", "pytest_process", "run_pytest", "server_dir", "socket_path",
           "stop_server"]

PKG = Path(__file__).resolve().parents[1]
MAX_SUN_PATH = 100  # sockaddr_un holds 108 bytes with the NUL; leave room
START_TIMEOUT = 20.0  # the server imports pytest, the plugin and the helpers before it listens


class ForkServerError(Exception):
    """The fork server could not take the job; the caller grades without it (nothing ran yet)."""


def disabled() -> bool:
    return os.environ.get("ALTLAB_NO_FORKSERVER", "") not in ("", "0")


def verbose() -> bool:
    return os.environ.get("ALTLAB_VERBOSE", "") not in ("", "0")


def fingerprint() -> str:
    """What the server preloaded: the interpreter and every module file of the package. An edited or
    upgraded package (also an editable checkout) gives a new fingerprint, so a stale server is replaced."""
    h = hashlib.sha256(f"{sys.executable}\0{os.environ.get('PYTHONPATH', '')}\0".encode())
    for f in sorted(PKG.rglob("*.py")):
        st = f.stat()
        h.update(f"{f.relative_to(PKG)}:{st.st_mtime_ns}:{st.st_size};".encode())
    return h.hexdigest()[:16]


def server_dir() -> Path:
    return private_dir(state_home() / "forkserver")


def socket_path() -> Path:
    """The socket in the state folder (mode 0700); a state folder too deep for a Unix socket's path
    limit gets one in a private folder under the temp dir, named by the state folder's tag."""
    p = server_dir() / "grader.sock"
    if len(os.fsencode(p)) <= MAX_SUN_PATH:
        return p
    d = Path(tempfile.gettempdir()) / f"altlab-{os.getuid()}"
    d.mkdir(mode=0o700, exist_ok=True)
    if d.stat().st_uid != os.getuid() or d.stat().st_mode & 0o077:
        raise ForkServerError(f"{d} is not private to this user")
    return d / f"grader-{home_tag()}.sock"


def _connect(path: Path, timeout: float | None) -> socket.socket:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(timeout)
    try:
        s.connect(str(path))
    except OSError:
        s.close()
        raise
    return s


def _call(s: socket.socket, msg: dict[str, Any], fds: list[int] | None = None) -> dict[str, Any]:
    data = json.dumps(msg).encode()
    if fds:
        socket.send_fds(s, [data], fds)
    else:
        s.send(data)
    return _recv(s)


def _recv(s: socket.socket) -> dict[str, Any]:
    data = s.recv(1 << 16)
    if not data:
        raise ConnectionError("the fork server closed the connection")
    reply: dict[str, Any] = json.loads(data)
    return reply


def _start_server(path: Path) -> None:
    """Start a server (it detaches itself: new session, second fork) and wait until it answers."""
    log_path = server_dir() / "server.log"
    log = open(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")  # noqa: SIM115
    try:
        subprocess.run([sys.executable, "-m", "pytest_altlab.grading.forkserver", str(path)], stdin=subprocess.DEVNULL,
                       stdout=log, stderr=log, cwd="/", start_new_session=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as e:
        raise ForkServerError(f"the fork server did not start ({e}); see {log_path}") from None
    finally:
        log.close()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            _connect(path, 1.0).close()
            return
        time.sleep(0.02)
    raise ForkServerError("the fork server did not answer after starting")


def _server(path: Path) -> socket.socket:
    """A connection to a live server; starts one (once, under a lock: many threads may ask at once)."""
    with contextlib.suppress(OSError):
        return _connect(path, None)
    with open(server_dir() / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):
            return _connect(path, None)  # another thread or process started it meanwhile
        _start_server(path)
    try:
        return _connect(path, None)
    except OSError as e:
        raise ForkServerError(f"cannot reach the fork server: {e}") from None


def run_pytest(args: list[str], *, cwd: Path, capture: bool = True, timeout: float | None = None,
               fp: str | None = None) -> tuple[int, str]:
    """Run `pytest.main(args)` in a child forked by the resident server; returns (exit code, output).
    capture=False streams the output to this process's stdout/stderr (the fds travel over the socket).
    Raises ForkServerError when the job was not taken; nothing has run then, so the caller may fall back."""
    if disabled():
        raise ForkServerError("ALTLAB_NO_FORKSERVER is set")
    with contextlib.ExitStack() as stack:
        try:
            path = socket_path()
            fp = fp or fingerprint()
            out = stack.enter_context(tempfile.TemporaryFile()) if capture else None
            fds = [out.fileno(), out.fileno()] if out else [sys.stdout.fileno(), sys.stderr.fileno()]
            if not capture:
                sys.stdout.flush()
                sys.stderr.flush()
        except (OSError, ValueError, AltlabError) as e:  # no state folder, no real stdout (redirected in-process)
            raise ForkServerError(f"cannot prepare the job: {e}") from None
        msg = {"op": "grade", "fingerprint": fp, "argv": args, "cwd": str(cwd), "env": dict(os.environ)}
        for attempt in range(2):
            s = stack.enter_context(_guard(_server(path)))
            try:
                reply = _call(s, msg, fds)
            except (OSError, ValueError) as e:
                raise ForkServerError(f"the fork server did not take the job: {e}") from None
            if reply.get("error") == "stale" and attempt == 0:
                _wait_gone(path)  # it stops listening (finishing its running jobs); start one with today's package
                continue
            if "error" in reply or "pid" not in reply:
                raise ForkServerError(f"the fork server refused the job: {reply.get('error', reply)}")
            break
        else:
            raise ForkServerError("the fork server stayed stale")
        s.settimeout(timeout)
        try:
            done = _recv(s)  # the child's exit; on a timeout or Ctrl-C the closed socket makes the server kill it
        except (OSError, ValueError) as e:
            return 3, f"the grading was lost: {e}"
        code = int(done.get("exit", 3))
        text = ""
        if out is not None:
            out.seek(0)
            text = out.read().decode("utf-8", "replace")
        if code < 0:
            text += f"\nthe grading process was killed by signal {-code}\n"
            code = 3
        return code, text
    raise AssertionError("unreachable")


@contextlib.contextmanager
def _guard(s: socket.socket) -> Any:
    try:
        yield s
    finally:
        s.close()


def _wait_gone(path: Path, timeout: float = 10.0) -> None:
    """Until the server has removed its socket (it exits once its running gradings are done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and path.exists():
        time.sleep(0.01)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ping() -> dict[str, Any] | None:
    """The running server's pid and fingerprint, or None when none answers (never starts one)."""
    try:
        with _guard(_connect(socket_path(), 5.0)) as s:
            return _call(s, {"op": "ping"})
    except (OSError, ValueError, ForkServerError):
        return None


def stop_server(timeout: float = 10.0) -> bool:
    """Ask this state folder's server to stop and wait (up to timeout) until it has; True if one was running."""
    try:
        with _guard(_connect(socket_path(), 5.0)) as s:
            reply = _call(s, {"op": "stop"})
    except (OSError, ValueError, ForkServerError):
        return False
    _wait_gone(socket_path(), timeout)
    pid = reply.get("pid")
    deadline = time.monotonic() + timeout
    while isinstance(pid, int) and _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return True


def pytest_process(args: list[str], *, cwd: Path, timeout: float | None = None) -> tuple[int, str]:
    """One pytest run with its output captured: through the fork server, or a fresh `python -m pytest`
    process as before when there is none (never worse than without it)."""
    try:
        return run_pytest(args, cwd=cwd, timeout=timeout)
    except ForkServerError as e:
        if verbose():
            print(f"altlab: grading without the fork server: {e}", file=sys.stderr)
    proc = subprocess.run([sys.executable, "-m", "pytest", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr
