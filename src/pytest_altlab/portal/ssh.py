"""The portal's SSH door: `ssh alice@HOST -p N` with alice's login token lands in her own lab shells.

The shells are the web terminals' (portal/terminals.py's hub, same key (who, lab, service)): a shell
opened here is the one the browser tab shows, recorded the same way, closed at the same deadline.
The first login with a one-time token uses it up and prints a session password for reconnecting
(valid until the candidate's deadline); only hashes of either are kept, in the run's portal state.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncssh

from .auth import RateLimiter, digest
from .recording import CastWriter, next_cast_path

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from .app import Portal
    from .terminals import Session as Term

__all__ = ["SshDoor", "add_ssh_arguments", "serve_with_ssh", "HOST_KEY_FILE"]

HOST_KEY_FILE = "ssh_host_ed25519_key"
DETACH = b"\x1d"  # Ctrl-]: back to the menu, the shell keeps running (as telnet users expect)
SESSION_HOURS = 12  # a learner's session password (drills have no deadline)
KEYS = "123456789abcdefghijklmnoprstuvwxyz"  # menu keys; q leaves


class SshDoor:
    """An asyncssh server in the portal's event loop; `start()` binds it, the returned acceptor stops it."""

    def __init__(self, portal: Portal, *, limiter: RateLimiter | None = None) -> None:
        self.portal = portal
        self.limiter = limiter or RateLimiter(limit=5, window=60.0)  # wrong passwords per client address
        self.issued: dict[Any, str] = {}  # connection -> the session password to show once

    @property
    def host_key_file(self) -> Path:
        return self.portal.engine.folder / HOST_KEY_FILE

    def host_key(self) -> asyncssh.SSHKey:
        """Made once per exam run (0600), so candidates' known_hosts stay valid across portal restarts."""
        f = self.host_key_file
        if not f.exists():
            f.parent.mkdir(parents=True, exist_ok=True)
            data = asyncssh.generate_private_key("ssh-ed25519").export_private_key()
            fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
        return asyncssh.read_private_key(str(f))

    async def start(self, host: str, port: int) -> asyncssh.SSHAcceptor:
        door = self

        class Server(asyncssh.SSHServer):
            def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
                self.conn = conn
                peer = conn.get_extra_info("peername")
                self.addr = str(peer[0]) if peer else "?"

            def connection_lost(self, exc: Exception | None) -> None:
                door.issued.pop(self.conn, None)

            def begin_auth(self, username: str) -> bool:
                return True

            def password_auth_supported(self) -> bool:
                return True

            async def validate_password(self, username: str, password: str) -> bool:
                ok, new = await door.portal.call(door.check_password, username, password, self.addr)
                if new:
                    door.issued[self.conn] = new
                return ok

        return await asyncssh.create_server(Server, host, port, server_host_keys=[self.host_key()],
                                            process_factory=self._session, encoding=None, line_editor=False,
                                            login_timeout=60, keepalive_interval=30)

    # --- who may come in ---------------------------------------------------------------------------

    def check_password(self, who: str, password: str, addr: str) -> tuple[bool, str | None]:
        """(accepted, a new session password to show). A token is the user's own, unused, or it fails."""
        if self.limiter.blocked(addr):
            return False, None  # not even looked at: guessing stays at a few tries a minute
        eng = self.portal.engine
        h, now = digest(password), time.time()
        with eng.portal_state() as ps:
            mine = ps.setdefault("ssh", {}).get(who)
            if mine and now < mine["expires"] and hmac.compare_digest(mine["password"], h):
                return True, None
            tok = ps.get("tokens", {}).get(h)
            if tok and not tok.get("used") and tok["who"] == who and tok["role"] in ("candidate", "learner"):
                tok["used"], tok["via"] = int(now), "ssh"
                new = secrets.token_urlsafe(12)
                until = self.portal.deadline_ts(who) if tok["role"] == "candidate" else None
                ps["ssh"][who] = {"password": digest(new), "expires": until or now + SESSION_HOURS * 3600}
                return True, new
        self.limiter.failed(addr)
        return False, None

    # --- a connection ------------------------------------------------------------------------------

    async def _session(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        who = str(process.get_extra_info("username"))
        out = process.stdout
        watchdog: asyncio.Task[None] | None = None
        try:
            if process.get_terminal_type() is None:
                out.write(b"altlab: this door needs a terminal: ssh -t ...\r\n")
                return
            new = self.issued.pop(process.channel.get_connection(), None)
            if new:
                out.write(f"Signed in as {who}. Your login link is used up; to reconnect over SSH use the "
                          f"password\r\n\r\n    {new}\r\n\r\n(valid until your time limit).\r\n".encode())
            watchdog = asyncio.ensure_future(self._watch(process, who))
            while True:
                if reason := await self.portal.call(self.portal.closed_reason, who):
                    out.write(f"\r\n{reason}: no more shells.\r\n".encode())
                    return
                choice = await self._menu(process, who)
                if choice is None or await self._attach(process, who, *choice) == "disconnected":
                    return
        finally:
            if watchdog:
                watchdog.cancel()
            with contextlib.suppress(Exception):
                process.exit(0)

    async def _watch(self, process: asyncssh.SSHServerProcess[bytes], who: str) -> None:
        """The time limit (with extensions) or Finish ends the connection, even in the menu."""
        while True:
            left = self.portal.seconds_left(who)
            await asyncio.sleep(5.0 if left is None else max(0.2, min(5.0, left)))
            if reason := await self.portal.call(self.portal.closed_reason, who):
                await self.portal.hub.close_owner(who, reason)  # the shells too, not only this connection
                with contextlib.suppress(Exception):
                    process.stdout.write(f"\r\n\r\n{reason}: the connection closes.\r\n".encode())
                    process.exit(0)
                return

    async def _menu(self, process: asyncssh.SSHServerProcess[bytes], who: str) -> tuple[str, str, bytes] | None:
        """(lab, service, what was typed after the choice: it goes to the shell), or None to leave."""
        labs = await self.portal.call(self.portal.engine.labs, who)
        items = [(lab.id, svc, lab.title) for lab in labs for svc in lab.services][:len(KEYS)]
        left = self.portal.seconds_left(who)
        lines = [f"\r\n{self.portal.engine.title}: {who}"
                 + ("" if left is None else f", {int(left) // 60} min left"), ""]
        lines += [f"  {KEYS[i]}) {lab} / {svc}    {title}" for i, (lab, svc, title) in enumerate(items)]
        lines += ["  q) leave", "", "Ctrl-] in a shell comes back here (the shell keeps running).", "choice: "]
        process.stdout.write("\r\n".join(lines).encode())
        while True:
            try:
                data = await process.stdin.read(64)
            except asyncssh.TerminalSizeChanged:
                continue
            if not data:
                return None
            for i in range(len(data)):
                ch = chr(data[i]).lower()
                if ch in ("q", "\x03", "\x04"):
                    process.stdout.write(b"q\r\n")
                    return None
                if ch in KEYS[:len(items)]:
                    lab, svc, _ = items[KEYS.index(ch)]
                    process.stdout.write(f"{ch}\r\n".encode())
                    return lab, svc, data[i + 1:]  # typed ahead: a fast typist's first command

    async def _open(self, who: str, lab: str, service: str, cols: int, rows: int) -> Term:
        # As the web tab opens one: the portal's process factory, its recordings folder, its hub.
        p = self.portal
        proc = await p.call(p.process_factory, who, lab, service, cols, rows)
        cast = CastWriter(next_cast_path(p.engine.recordings(who), lab, service), cols, rows,
                          title=f"{who} {lab}/{service} (ssh)")
        return await p.hub.open(key=(who, lab, service), owner=who, process=proc, recorder=cast,
                                deadline=p.deadline_ts(who))

    async def _attach(self, process: asyncssh.SSHServerProcess[bytes], who: str, lab: str, service: str,
                      ahead: bytes = b"") -> str:
        """Bridge the channel to the shell until it ends ("ended"), Ctrl-] ("detached") or the client left."""
        p = self.portal
        cols, rows = process.get_terminal_size()[:2]
        cols, rows = cols or 80, rows or 24
        term = p.hub.find((who, lab, service))
        try:
            if term is None:
                term = await self._open(who, lab, service, cols, rows)
            else:
                await p.hub.resize(term.id, cols, rows)
        except Exception as e:  # a stopped container, Docker down: say so and show the menu again
            process.stdout.write(f"could not open a shell: {e}\r\n".encode())
            return "ended"
        replay, q = p.hub.subscribe(term.id)
        if replay:
            process.stdout.write(replay)
        sid = term.id
        if ahead and DETACH not in ahead:
            await p.hub.write(sid, ahead)

        async def down() -> str:
            while (data := await q.get()) is not None:
                process.stdout.write(data)
            return "ended"

        async def up() -> str:
            while True:
                try:
                    data = await process.stdin.read(4096)
                except asyncssh.TerminalSizeChanged as e:
                    await p.hub.resize(sid, e.width, e.height)
                    continue
                if not data:
                    return "disconnected"
                if DETACH in data:
                    if before := data.split(DETACH, 1)[0]:
                        await p.hub.write(sid, before)
                    return "detached"
                await p.hub.write(sid, data)

        tasks = [asyncio.ensure_future(down()), asyncio.ensure_future(up())]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            result = next(iter(done)).result()
        finally:
            for t in tasks:
                t.cancel()
            for t in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await t
            p.hub.unsubscribe(sid, q)
        if result == "ended":
            process.stdout.write(f"\r\n[shell closed: {term.reason or 'ended'}]\r\n".encode())
        return result


# --- `altlab portal --ssh-port N` ---------------------------------------------------------------------

def add_ssh_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--ssh-port", type=int, help="also serve the candidates' shells over SSH on this port "
                    "(user: candidate id, password: their login token)")


def serve_with_ssh(app: Starlette, portal: Portal, args: argparse.Namespace) -> int:
    """uvicorn and the SSH door in one event loop: they share the terminal hub."""
    import uvicorn

    config = uvicorn.Config(app, host=args.host, port=args.port, ssl_certfile=args.tls_cert,
                            ssl_keyfile=args.tls_key, ws="websockets-sansio", log_level="warning",
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)

    async def main() -> None:
        door = SshDoor(portal)
        acceptor = await door.start(args.host, args.ssh_port)
        print(f"ssh door: ssh CANDIDATE@{args.host} -p {args.ssh_port} (password: the candidate's login token); "
              f"host key {door.host_key().get_fingerprint()}", flush=True)
        try:
            await server.serve()
        finally:
            acceptor.close()
            await acceptor.wait_closed()

    asyncio.run(main())
    return 0
