"""The portal's SSH door over a real SSH connection (asyncssh client) on 127.0.0.1, against the probe exam."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest

from pytest_altlab.portal.app import Portal
from pytest_altlab.portal.auth import RateLimiter, digest, issue_token
from pytest_altlab.portal.engine import Engine
from pytest_altlab.portal.ssh import SshDoor

from .conftest import TEST_LABS, altlab

EXAM = str(Path(__file__).parent / "exams" / "probe-exam.yaml")
L = ("--lab-dir", str(TEST_LABS))


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    env = {"ALTLAB_HOME": str(tmp_path / "home")}
    monkeypatch.setenv("ALTLAB_HOME", env["ALTLAB_HOME"])
    res = altlab(*L, "exam", "start", EXAM, "--candidates", "alice,bob", "--parallel", "2", env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    yield Engine(EXAM, [str(TEST_LABS)])
    altlab(*L, "exam", "stop", EXAM, env=env)


async def _connect(port: int, user: str, password: str) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect("127.0.0.1", port, username=user, password=password, known_hosts=None,
                                  client_keys=None, agent_path=None, preferred_auth="password")


async def _until(proc: asyncssh.SSHClientProcess[bytes], marker: bytes, seen: bytearray) -> bytes:
    """Read until marker appears (the door and the shell answer in pieces); the bytes read so far."""
    while marker not in seen:
        chunk = await asyncio.wait_for(proc.stdout.read(4096), 60)
        if not chunk:
            raise AssertionError(f"connection ended before {marker!r}; got {bytes(seen)[-500:]!r}")
        seen += chunk
    return bytes(seen)


def _hostname(container: str) -> str:
    return subprocess.run(["docker", "inspect", "--format", "{{.Config.Hostname}}", container],
                          capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.docker
def test_ssh_door_lands_in_the_candidates_own_shell(engine: Engine) -> None:
    asyncio.run(_scenario(engine))


async def _scenario(engine: Engine) -> None:
    portal = Portal(engine)
    door = SshDoor(portal, limiter=RateLimiter(limit=3, window=600))
    acceptor = await door.start("127.0.0.1", 0)
    port = acceptor.sockets[0].getsockname()[1]
    alice_token, bob_token = issue_token(engine, "alice", "candidate"), issue_token(engine, "bob", "candidate")
    try:
        assert stat.S_IMODE(os.stat(door.host_key_file).st_mode) == 0o600
        fingerprint = door.host_key().get_fingerprint()

        # bob's token is no key to alice's shells, and trying it does not use it up
        with pytest.raises(asyncssh.PermissionDenied):
            await _connect(port, "alice", bob_token)
        assert not engine.read_portal_state()["tokens"][digest(bob_token)]["used"]

        conn = await _connect(port, "alice", alice_token)
        proc = await conn.create_process(term_type="xterm", term_size=(100, 30), encoding=None)
        seen = bytearray()
        menu = (await _until(proc, b"choice: ", seen)).decode()
        assert "1) probe / box" in menu and "2)" not in menu, menu
        password = menu.split("use the password", 1)[1].split()[0]
        proc.stdin.write(b"1")
        proc.stdin.write(b"cat /etc/hostname; echo MARK-$((6*7))\r")
        out = (await _until(proc, b"MARK-42", seen)).decode(errors="replace")
        alice_box = engine.container("alice", "probe", "box")
        assert _hostname(alice_box) in out, "the shell is alice's own container"
        assert _hostname(engine.container("bob", "probe", "box")) not in out
        # the web terminal's shell: the same hub session, recorded like a browser tab's
        term = portal.hub.find(("alice", "probe", "box"))
        assert term is not None and term.recorder is not None
        assert "MARK-42" in term.recorder.path.read_text()

        proc.stdin.write(b"\x1d")  # Ctrl-]: back to the menu, the shell lives on
        seen.clear()
        await _until(proc, b"choice: ", seen)
        proc.stdin.write(b"q")
        await asyncio.wait_for(proc.wait_closed(), 30)
        conn.close()
        assert portal.hub.find(("alice", "probe", "box")) is term

        # the one-time token is used up; the session password brings alice back to the same shell
        with pytest.raises(asyncssh.PermissionDenied):
            await _connect(port, "alice", alice_token)
        conn = await _connect(port, "alice", password)
        proc = await conn.create_process(term_type="xterm", term_size=(100, 30), encoding=None)
        seen.clear()
        await _until(proc, b"choice: ", seen)
        proc.stdin.write(b"1")
        await _until(proc, b"MARK-42", seen)  # the replay of the running shell's output

        # the time limit closes the shell and the connection
        with engine.run.locked() as data:  # type: ignore[union-attr]
            data["deadline"] = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)).isoformat(timespec="seconds")
        await _until(proc, b"the time limit has passed", seen)
        await asyncio.wait_for(proc.wait_closed(), 30)
        conn.close()
        assert portal.hub.find(("alice", "probe", "box")) is None

        # wrong passwords are rate-limited: after 3, even bob's right token is refused
        with engine.run.locked() as data:  # type: ignore[union-attr]
            data["deadline"] = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)).isoformat(timespec="seconds")
        for _ in range(3):
            with pytest.raises(asyncssh.PermissionDenied):
                await _connect(port, "bob", "not-the-token")
        with pytest.raises(asyncssh.PermissionDenied):
            await _connect(port, "bob", bob_token)
        assert not engine.read_portal_state()["tokens"][digest(bob_token)]["used"]
    finally:
        acceptor.close()
        await acceptor.wait_closed()
        await portal.hub.shutdown()
    assert SshDoor(Portal(engine)).host_key().get_fingerprint() == fingerprint, "one host key per exam run"
