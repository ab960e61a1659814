"""HTTP and TLS observations for checks: requests with a chosen Host and SNI, handshakes, uploads, backends down.

Everything reaches the proxy through its ports published on 127.0.0.1: the Host header and the TLS
server name are set by hand, so no name (altcraft.domain.com, ...) is ever resolved through DNS.
Certificates are not verified unless a check asks for it (`handshake(..., cadata=...)`): the checks of
headers and routing must not fail because of the certificate, which has its own check.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import ssl
import time
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..context import LabContext

__all__ = ["BackendSwitch", "Handshake", "HttpProbe", "NginxConfig", "Reply", "backend_back_at", "backend_down",
           "process_started_at", "tls_version", "wait_until_readmitted"]

_CHUNK = bytes(1 << 20)  # uploads stream this MiB of zeros: bounded memory, nothing read from disk


@dataclass(frozen=True)
class Reply:
    """One HTTP exchange. status 0: no HTTP answer at all (`error` says why)."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    error: str = ""

    @property
    def answered(self) -> bool:
        return self.status != 0

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any | None:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def describe(self) -> str:
        """A short, candidate-readable account: 'HTTP 502 Bad Gateway ...' or 'no answer (...)'."""
        if not self.answered:
            return f"no answer ({self.error})"
        text = self.body[:160].decode("utf-8", "replace").strip()
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
        where = f", Location: {self.header('location')}" if self.header("location") else ""
        return f"HTTP {self.status}{where}" + (f" ('{text[:100]}')" if text else "")


@dataclass(frozen=True)
class Handshake:
    """One TLS handshake. `refused`: the server answered and turned the handshake down."""

    ok: bool
    refused: bool = False
    version: str = ""
    cipher: str = ""
    cert_der: bytes = b""
    error: str = ""


def tls_version(name: str) -> ssl.TLSVersion:
    """'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3' -> ssl.TLSVersion."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1/1.1 are deprecated: that is the point
        return {"TLSv1": ssl.TLSVersion.TLSv1, "TLSv1.1": ssl.TLSVersion.TLSv1_1,
                "TLSv1.2": ssl.TLSVersion.TLSv1_2, "TLSv1.3": ssl.TLSVersion.TLSv1_3}[name]


def _client_context(*, version: str | None = None, cadata: str | None = None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if cadata is None:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    else:
        ctx.load_verify_locations(cadata=cadata)
    if version is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ctx.maximum_version = tls_version(version)
        if version in ("TLSv1", "TLSv1.1"):
            # OpenSSL 3 refuses TLS 1.0/1.1 on the client side above security level 0: lower it here,
            # so that only the server's configuration decides whether such a handshake succeeds.
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    return ctx


class _SNIConnection(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 that sends a chosen server name (SNI) instead of the address."""

    def __init__(self, port: int, sni: str, context: ssl.SSLContext, timeout: float) -> None:
        super().__init__("127.0.0.1", port, context=context, timeout=timeout)
        self._sni = sni
        self._ctx = context

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._ctx.wrap_socket(self.sock, server_hostname=self._sni)


def _no_answer(e: BaseException) -> str:
    if isinstance(e, ConnectionRefusedError):
        return "connection refused: nothing listens on that port"
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "timed out waiting for an answer"
    if isinstance(e, ssl.SSLError):
        return f"TLS handshake failed: {e.reason or e}"
    return f"{type(e).__name__}: {e}"


class HttpProbe:
    """Requests to a proxy service's published ports with a chosen Host header / TLS server name."""

    def __init__(self, lab: LabContext, service: str = "nginx", http_port: int = 80, https_port: int = 443) -> None:
        self.lab = lab
        self.service = service
        self.http_port = http_port
        self.https_port = https_port

    def _port(self, tls: bool) -> int:
        return self.lab.port(self.service, self.https_port if tls else self.http_port)

    def _connection(self, host: str, tls: bool, timeout: float) -> http.client.HTTPConnection:
        if tls:
            return _SNIConnection(self._port(True), host, _client_context(), timeout)
        return http.client.HTTPConnection("127.0.0.1", self._port(False), timeout=timeout)

    def request(self, host: str, path: str = "/", *, tls: bool = False, method: str = "GET",
                headers: Mapping[str, str] | None = None, body: bytes | None = None,
                timeout: float = 15.0) -> Reply:
        """One request on a fresh connection (redirects are not followed)."""
        conn = self._connection(host, tls, timeout)
        try:
            conn.request(method, path, body=body, headers={"Host": host, "Connection": "close", **(headers or {})})
            return _reply(conn.getresponse())
        except (OSError, http.client.HTTPException) as e:
            return Reply(0, error=_no_answer(e))
        finally:
            conn.close()

    def upload(self, host: str, path: str, size: int, *, tls: bool = True, timeout: float = 120.0) -> Reply:
        """POST `size` bytes of zeros, streamed (bounded memory); if the server cuts the upload short,
        its answer (e.g. 413) is still read where it sent one."""
        conn = self._connection(host, tls, timeout)
        try:
            conn.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
            for k, v in (("Host", host), ("Content-Type", "application/octet-stream"),
                         ("Content-Length", str(size)), ("Connection", "close")):
                conn.putheader(k, v)
            conn.endheaders()
            sent, cut = 0, ""
            view = memoryview(_CHUNK)
            while sent < size:
                n = min(len(_CHUNK), size - sent)
                try:
                    conn.send(view[:n])
                except OSError as e:  # the server closed while we were sending: read what it said
                    cut = f"the server closed the connection after {sent // (1 << 20)} MiB ({type(e).__name__})"
                    break
                sent += n
            try:
                return _reply(conn.getresponse())
            except (OSError, http.client.HTTPException) as e:
                return Reply(0, error=cut or _no_answer(e))
        except (OSError, http.client.HTTPException) as e:
            return Reply(0, error=_no_answer(e))
        finally:
            conn.close()

    def expect_continue(self, host: str, path: str, size: int, *, tls: bool = True, timeout: float = 15.0) -> Reply:
        """Announce a `size`-byte POST with `Expect: 100-continue` and read only the server's first answer:
        100 (it would take the body) or a refusal such as 413. No body is sent: bounded and cheap."""
        head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Length: {size}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").encode()
        try:
            raw = socket.create_connection(("127.0.0.1", self._port(tls)), timeout=timeout)
        except OSError as e:
            return Reply(0, error=_no_answer(e))
        sock: socket.socket = raw
        try:
            if tls:
                sock = _client_context().wrap_socket(raw, server_hostname=host)
            sock.sendall(head)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                got = sock.recv(4096)
                if not got:
                    break
                data += got
        except OSError as e:
            return Reply(0, error=_no_answer(e))
        finally:
            sock.close()
        m = re.match(rb"HTTP/\d\.\d (\d{3})", data)
        if not m:
            return Reply(0, error="the server closed the connection without an HTTP answer")
        lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
        hdrs = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines) if k}
        return Reply(int(m.group(1)), hdrs, data.split(b"\r\n\r\n", 1)[-1])

    def handshake(self, host: str, *, version: str | None = None, cadata: str | None = None,
                  timeout: float = 10.0) -> Handshake:
        """A TLS handshake with server name `host`; `version` pins the protocol ('TLSv1.1'); `cadata`
        (PEM) turns on chain and host name verification against that CA."""
        try:
            ctx = _client_context(version=version, cadata=cadata)
            if cadata is not None:
                ctx.check_hostname = True
        except (ssl.SSLError, ValueError) as e:  # this machine's OpenSSL cannot even offer it
            raise RuntimeError(f"the local TLS client cannot be set up for {version or 'TLS'}: {e}") from e
        try:
            raw = socket.create_connection(("127.0.0.1", self._port(True)), timeout=timeout)
        except OSError as e:
            return Handshake(False, error=_no_answer(e))
        try:
            with ctx.wrap_socket(raw, server_hostname=host) as tls:
                return Handshake(True, version=tls.version() or "", cipher=(tls.cipher() or ("",))[0],
                                 cert_der=tls.getpeercert(binary_form=True) or b"")
        except ssl.SSLCertVerificationError as e:
            return Handshake(False, error=f"certificate not accepted: {e.verify_message}")
        except ssl.SSLError as e:
            reason = e.reason or str(e)
            if reason in ("NO_PROTOCOLS_AVAILABLE", "NO_CIPHERS_AVAILABLE"):
                raise RuntimeError(f"this machine's OpenSSL cannot offer {version} at all ({reason}); "
                                   "the check cannot tell what the server does") from e
            if reason == "UNEXPECTED_EOF_WHILE_READING" or isinstance(e, ssl.SSLEOFError):
                # What a closed port looks like through Docker's port forwarding, and how some servers refuse.
                return Handshake(False, refused=True, error="the connection was closed during the TLS handshake "
                                                            "(nothing may be serving TLS on that port)")
            if reason == "WRONG_VERSION_NUMBER":  # the port speaks something else, e.g. plain HTTP
                return Handshake(False, error="the port does not speak TLS (it answered with something else, "
                                              "e.g. plain HTTP)")
            return Handshake(False, refused=True, error=f"the server refused the handshake ({reason})")
        except (ConnectionResetError, BrokenPipeError) as e:
            return Handshake(False, refused=True, error=f"the server closed the connection during the "
                                                        f"handshake ({type(e).__name__})")
        except OSError as e:
            return Handshake(False, error=_no_answer(e))
        finally:
            raw.close()


def _reply(resp: http.client.HTTPResponse) -> Reply:
    body = resp.read()
    return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)


# --- nginx's own view of its configuration ---------------------------------------------------------

_COMMENT = re.compile(r"(?m)(^|[;{}\s])#[^\n]*")


class NginxConfig:
    """`nginx -t` and `nginx -T` in the proxy container: the configuration nginx would load now."""

    def __init__(self, lab: LabContext, service: str = "nginx") -> None:
        self.lab = lab
        self.service = service

    def test(self) -> tuple[bool, str]:
        """(`nginx -t` passes?, its last meaningful output line)."""
        res = self.lab.exec(self.service, ["nginx", "-t"], timeout=60)
        lines = [x for x in (res.stderr + res.stdout).strip().splitlines() if x.strip()]
        errors = [x for x in lines if "[emerg]" in x or "[alert]" in x or "failed" in x]
        return res.ok, (errors or lines or [f"exit code {res.returncode}"])[-1].strip()

    def dump(self) -> str:
        """The whole configuration as `nginx -T` prints it ('' where it does not load)."""
        def run() -> str:
            res = self.lab.exec(self.service, ["nginx", "-T"], timeout=60)
            return res.stdout if res.ok else ""
        return self.lab.cached(("nginx-T", self.service), run)

    def values(self, directive: str) -> list[str]:
        """Every value of a simple directive across all files, comments removed ('ssl_certificate_key')."""
        text = _COMMENT.sub(r"\1", self.dump())
        out = []
        for m in re.finditer(rf"(?:^|[;{{}}\s]){re.escape(directive)}\s+([^;{{}}]+);", text):
            out.append(m.group(1).strip())
        return out

    def fail_timeout(self, default: float = 10.0) -> float:
        """The longest `fail_timeout=` of any upstream server (nginx's default 10s where none is set)."""
        longest = default
        for m in re.finditer(r"\bfail_timeout=(\d+)(ms|s|m|h)?\b", _COMMENT.sub(r"\1", self.dump())):
            n = float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]
            longest = max(longest, n)
        return longest


# --- taking an altlab-echo backend down and back up -------------------------------------------------

@dataclass
class BackendSwitch:
    """What `backend_down` did: when the backend stopped and came back (for the caller's waits)."""

    service: str
    down_at: float = 0.0
    up_at: float = 0.0


@contextlib.contextmanager
def backend_down(lab: LabContext, service: str, port: int = 8080, timeout: float = 15.0) -> Iterator[BackendSwitch]:
    """Stop the HTTP service of an altlab-echo backend and always bring it back afterwards.

    SIGUSR1 makes altlab-echo close its listener and its open connections: new connections are refused,
    which is what a proxy sees of a stopped backend. The container keeps running, so its address (which
    nginx resolved when it loaded its configuration) stays valid. SIGUSR2 makes it listen again.
    """
    __tracebackhide__ = True
    sw = BackendSwitch(service)
    _signal(lab, service, "USR1")
    try:
        if not _wait_listening(lab, service, port, False, timeout):
            raise RuntimeError(f"backend '{service}' did not stop listening on {port} within {timeout:g}s")
        sw.down_at = time.monotonic()
        yield sw
    finally:
        _signal(lab, service, "USR2")
        if not _wait_listening(lab, service, port, True, timeout):
            raise RuntimeError(f"backend '{service}' did not come back on port {port} within {timeout:g}s: "
                               f"restart it with `altlab restart {lab.id} {service}`")
        sw.up_at = time.monotonic()


# nginx keeps a backend that refused a connection out of service for `fail_timeout` (passive health
# checks, per worker). A probe that takes backend B down must therefore not start while B's partner came
# back less than fail_timeout ago - also in an earlier grading (`altlab watch` re-grades every few seconds).
# altlab-echo writes when it came back (/run/altlab-echo.back); a proxy started after that has a clean slate.

def backend_back_at(lab: LabContext, service: str) -> float | None:
    """Wall-clock time an altlab-echo backend last came back after being stopped (None: never stopped)."""
    text = lab.read_file(service, "/run/altlab-echo.back")
    try:
        return float(text) if text else None
    except ValueError:
        return None


def process_started_at(lab: LabContext, service: str) -> float | None:
    """Wall-clock start time of a service container's PID 1 (from /proc; None where unreadable)."""
    res = lab.exec(service, ["cat", "/proc/stat", "/proc/1/stat"], timeout=30)
    btime = re.search(r"^btime (\d+)$", res.stdout, re.M) if res.ok else None
    stat = re.search(r"^1 \(.*\) (.+)$", res.stdout, re.M) if res.ok else None
    if not (btime and stat):
        return None
    start_ticks = int(stat.group(1).split()[19])  # field 22 of proc_pid_stat(5), counted after "pid (comm)"
    return int(btime.group(1)) + start_ticks / os.sysconf("SC_CLK_TCK")


def wait_until_readmitted(lab: LabContext, backend: str, proxy: str, settle: float) -> float:
    """Sleep until `settle` seconds have passed since `backend` came back, unless the proxy service
    started after that; returns the seconds slept."""
    back = backend_back_at(lab, backend)
    if back is None:
        return 0.0
    started = process_started_at(lab, proxy)
    if started is not None and started > back:
        return 0.0
    left = min(settle, back + settle - time.time())
    if left > 0:
        time.sleep(left)
    return max(left, 0.0)


def _signal(lab: LabContext, service: str, sig: str) -> None:
    res = lab.exec(service, f"kill -{sig} 1", timeout=30)
    if not res.ok:
        raise RuntimeError(f"could not signal backend '{service}' ({sig}): {(res.stderr or res.stdout).strip()}")


def _wait_listening(lab: LabContext, service: str, port: int, want: bool, timeout: float) -> bool:
    def probe() -> tuple[bool, None]:
        return lab.exec(service, ["bash", "-c", f"</dev/tcp/127.0.0.1/{port}"], timeout=30).ok == want, None

    return lab.poll(probe, timeout, every=0.2)[0]
