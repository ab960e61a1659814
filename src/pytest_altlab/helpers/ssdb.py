"""SSDB observations for checks: its own protocol over the published port, and its tab-indented config files."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from ..context import LabContext

__all__ = ["SsdbConfig", "parse_config", "request"]


def _encode(args: tuple[str, ...]) -> bytes:
    """A request: each argument as a block `length\\ndata\\n`, then an empty line."""
    out = b""
    for a in args:
        data = a.encode()
        out += str(len(data)).encode() + b"\n" + data + b"\n"
    return out + b"\n"


def _decode(buf: bytes) -> list[str] | None:
    """The response's blocks once complete (an empty line ends it), else None: read more."""
    blocks: list[str] = []
    pos = 0
    while True:
        nl = buf.find(b"\n", pos)
        if nl < 0:
            return None
        head = buf[pos:nl].strip(b"\r")
        if head == b"":
            return blocks
        size = int(head)
        if len(buf) < nl + 1 + size + 1:
            return None
        blocks.append(buf[nl + 1:nl + 1 + size].decode(errors="replace"))
        pos = nl + 1 + size + 1


def request(lab: LabContext, service: str, port: int, *commands: tuple[str, ...],
            timeout: float = 5) -> list[list[str]]:
    """Send COMMANDS one after the other on one connection (e.g. auth, then info); their responses.

    An unreachable port is an AssertionError that names the instance."""
    __tracebackhide__ = True
    host_port = lab.port(service, port)
    replies: list[list[str]] = []
    try:
        with socket.create_connection((lab.host, host_port), timeout=timeout) as s:
            for cmd in commands:
                s.sendall(_encode(cmd))
                buf = b""
                while (got := _decode(buf)) is None:
                    chunk = s.recv(65536)
                    if not chunk:
                        raise ConnectionError("the server closed the connection")
                    buf += chunk
                replies.append(got)
    except (OSError, ValueError) as e:
        raise AssertionError(f"no SSDB answer on port {port} of the service '{service}': {e}") from None
    lab.record("ssdb", service=service, port=port, commands=[c[0] for c in commands],
               replies=[r[:2] for r in replies])  # status and first value only: auth never echoes a secret
    return replies


@dataclass
class SsdbConfig:
    """An SSDB config file as the server reads it: nested keys by TAB indentation, `key: value` or `key = value`."""

    values: dict[str, str] = field(default_factory=dict)  # "server.port" -> "8881"; the last line wins
    space_indented: list[int] = field(default_factory=list)  # line numbers indented with spaces


def parse_config(text: str) -> SsdbConfig:
    conf = SsdbConfig()
    stack: list[str] = []
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        depth = len(line) - len(line.lstrip("\t"))
        body = line[depth:]
        if not body.strip():
            continue
        if body[0].isspace():
            # SSDB counts TABs only, and refuses to load a file with any other leading whitespace,
            # comment lines included ("invalid line: unexpected whitespace char").
            conf.space_indented.append(no)
            body = body.lstrip()
        if body.startswith("#"):
            continue
        seps = [i for i in (body.find(":"), body.find("=")) if i >= 0]
        if not seps:
            continue
        i = min(seps)
        key, value = body[:i].strip(), body[i + 1:].strip()
        del stack[depth:]
        path = ".".join([*stack, key])
        if value:
            conf.values[path] = value
        stack.append(key)
    return conf
