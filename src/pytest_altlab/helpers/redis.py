"""Redis-protocol observations for checks (Kvrocks, Redis, Valkey): logins, INFO, CONFIG GET, CLIENT LIST."""

from __future__ import annotations

import inspect
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import redis
import redis.exceptions as rex
from redis.backoff import NoBackoff
from redis.retry import Retry

from ..context import LabContext
from ..errors import AltlabError

__all__ = ["Probe", "RedisServer", "parse_client_list", "parse_config", "parse_info", "parse_size"]

KVROCKS_PORT = 6666
GRADER_NAME = "altlab-grader"  # the name the grader's own connections carry in CLIENT LIST
# Error replies that mean "the server answered and wants (another) password", across servers:
# Redis/Valkey: NOAUTH, WRONGPASS, "AUTH <password> called without any password configured";
# Kvrocks: NOAUTH, "ERR invalid password", "Client sent AUTH, but no password is set".
_AUTH_WORDS = re.compile(r"NOAUTH|WRONGPASS|invalid password|without any password|no password is set|"
                         r"authentication required", re.IGNORECASE)


@dataclass(frozen=True)
class Probe:
    """What one command got: an answer (ok), an authentication refusal, or nothing at all."""

    ok: bool
    refused: bool  # the server answered and refused for lack of a (right) password
    detail: str
    value: Any = None


def _no_client_info() -> dict[str, Any]:
    """Keyword arguments that stop redis-py from sending CLIENT SETINFO on connect.

    redis-py >= 7 spells it `driver_info=None`, older releases `lib_name=None, lib_version=None`;
    fewer commands on connect keep INFO commandstats and Kvrocks' command support out of the way.
    """
    params = inspect.signature(redis.Redis.__init__).parameters
    if "driver_info" in params:
        return {"driver_info": None}
    return {"lib_name": None, "lib_version": None}


_CLIENT_INFO = _no_client_info()


class RedisServer:
    """One Redis-protocol server of a lab, reached on its port published on 127.0.0.1.

    Every method only reads. Connection failures and refused passwords come back as assertion
    messages a candidate understands (via `call`) or as a `Probe` (via `probe`).
    """

    def __init__(self, lab: LabContext, service: str = "cache", port: int = KVROCKS_PORT) -> None:
        self.lab = lab
        self.service = service
        self.container_port = port
        self._clients: dict[tuple[str | None, bool], redis.Redis] = {}

    # --- connections ---------------------------------------------------------------------------

    def host_port(self) -> int:
        """The host port on 127.0.0.1; a service that is not running fails the check with that sentence."""
        __tracebackhide__ = True
        try:
            return self.lab.port(self.service, self.container_port)
        except AltlabError:
            raise AssertionError(f"the service '{self.service}' is not running or publishes no port "
                                 f"{self.container_port}: `altlab status {self.lab.id}` shows it") from None

    @property
    def where(self) -> str:
        return f"{self.lab.host}:{self.host_port()}"

    def _client(self, password: str | None, named: bool) -> redis.Redis:
        __tracebackhide__ = True
        key = (password, named)
        if key not in self._clients:
            c = redis.Redis(host=self.lab.host, port=self.host_port(),
                            password=password, decode_responses=True, protocol=2,
                            socket_timeout=10, socket_connect_timeout=5, retry=Retry(NoBackoff(), 0),
                            client_name=GRADER_NAME if named else None, **_CLIENT_INFO)
            # Raw text for the replies parsed here the same way for every server (Kvrocks' INFO
            # has lines redis-py's parser was not written for).
            for cmd in ("INFO", "CLIENT LIST"):
                c.set_response_callback(cmd, lambda r, **kw: r)
            self._clients[key] = c
        return self._clients[key]

    def close(self) -> None:
        for c in self._clients.values():
            try:
                c.close()
            except rex.RedisError:
                pass
        self._clients.clear()

    def probe(self, *command: str | int, password: str | None = None) -> Probe:
        """Run one command as a fresh client (unnamed: a client without a password cannot SETNAME)."""
        try:
            value = self._client(password, named=False).execute_command(*command)
        except AssertionError as e:  # not running at all
            return Probe(False, False, str(e))
        except (rex.AuthenticationError, rex.NoPermissionError) as e:
            return Probe(False, True, f"refused: {e}")
        except rex.ResponseError as e:
            if _AUTH_WORDS.search(str(e)):
                return Probe(False, True, f"refused: {e}")
            return Probe(False, False, f"error reply: {e}")
        except (rex.ConnectionError, rex.TimeoutError) as e:
            return Probe(False, False, f"no answer from the server on {self.where} ({type(e).__name__}: {e})")
        return Probe(True, False, "answered", value)

    def call(self, *command: str | int, password: str | None = None, what: str = "") -> Any:
        """Run one command and return its reply; fail with a candidate's sentence when that is impossible."""
        __tracebackhide__ = True
        label = what or " ".join(str(c) for c in command[:2])
        try:
            return self._client(password, named=True).execute_command(*command)
        except (rex.AuthenticationError, rex.NoPermissionError) as e:
            how = "with the expected password" if password else "without a password"
            raise AssertionError(f"{label}: the server refused a client {how}: {e}") from None
        except rex.ResponseError as e:
            if _AUTH_WORDS.search(str(e)):
                how = "with the expected password" if password else "without a password"
                raise AssertionError(f"{label}: the server refused a client {how}: {e}") from None
            raise AssertionError(f"{label}: the server answered with an error: {e}") from None
        except (rex.ConnectionError, rex.TimeoutError) as e:
            raise AssertionError(f"{label}: could not reach the server on {self.where} (is it running? "
                                 f"`altlab status {self.lab.id}`): {type(e).__name__}: {e}") from None

    # --- observations ----------------------------------------------------------------------------

    def info(self, section: str, password: str | None = None) -> dict[str, str]:
        """One INFO section as name -> raw value (e.g. used_memory_rss -> '14188544')."""
        __tracebackhide__ = True
        return parse_info(str(self.call("INFO", section, password=password, what=f"INFO {section}")))

    def config_get(self, name: str, password: str | None = None) -> str | None:
        """A setting's value in the running server (CONFIG GET), None if the server does not know it."""
        __tracebackhide__ = True
        reply = self.call("CONFIG", "GET", name, password=password, what=f"CONFIG GET {name}")
        if isinstance(reply, dict):
            return reply.get(name)
        if isinstance(reply, list) and len(reply) >= 2:  # [name, value] where no callback applied
            return str(reply[1])
        return None

    def clients(self, password: str | None = None, include_grader: bool = False) -> list[dict[str, str]]:
        """CLIENT LIST as dicts (id, addr, name, age, idle, cmd ...), without the grader's own connection."""
        __tracebackhide__ = True
        rows = parse_client_list(str(self.call("CLIENT", "LIST", password=password, what="CLIENT LIST")))
        return rows if include_grader else [r for r in rows if r.get("name") != GRADER_NAME]

    def command_calls(self, password: str | None = None) -> dict[str, int]:
        """INFO commandstats as command -> calls (lower case; Redis' subcommands as 'client|kill')."""
        __tracebackhide__ = True
        out = {}
        for name, value in self.info("commandstats", password).items():
            if name.startswith("cmdstat_"):
                m = re.search(r"(?:^|,)calls=(\d+)", value)
                out[name.removeprefix("cmdstat_").lower()] = int(m.group(1)) if m else 0
        return out

    def count_existing(self, keys: Iterable[str], password: str | None = None, batch: int = 500) -> int:
        """How many of `keys` exist (EXISTS in batches: reads, never scans)."""
        __tracebackhide__ = True
        keys = list(keys)
        total = 0
        for i in range(0, len(keys), batch):
            total += int(self.call("EXISTS", *keys[i:i + batch], password=password, what="EXISTS"))
        return total


# --- text formats ---------------------------------------------------------------------------------

def parse_info(text: str) -> dict[str, str]:
    """INFO text -> name -> raw value. Comment and section lines are skipped; values are not converted."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        k, v = line.split(":", 1)
        out[k.strip()] = v.strip()
    return out


def parse_client_list(text: str) -> list[dict[str, str]]:
    """CLIENT LIST text -> one dict per client. Values never contain spaces, except an empty name."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        row = {}
        for field in line.split():
            k, _, v = field.partition("=")
            row[k] = v
        rows.append(row)
    return rows


def parse_config(text: str) -> dict[str, str]:
    """A redis.conf / kvrocks.conf text -> directive (lower case) -> value, the last occurrence winning
    (as both servers read it). Quotes are removed the way the servers read them: `requirepass "x y"`."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            parts = shlex.split(line, comments=False, posix=True)
        except ValueError:  # an unbalanced quote: take the words as they are
            parts = line.split()
        if not parts:
            continue
        out[parts[0].lower()] = " ".join(parts[1:])
    return out


_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)(i?b)?\s*(?:bytes?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4}


def parse_size(text: str) -> int | None:
    """'14188544', '13.53M', '13.53 MB', '14188544 bytes' -> bytes (units are 1024-based, as the
    servers' *_human fields print them); None when it is not a size."""
    m = _SIZE.match(text)
    if not m:
        return None
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])
