"""RabbitMQ observations for checks: definitions, status and queues via the CLI, AMQP via pika, the management API."""

from __future__ import annotations

import contextlib
import json
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pika
import pika.exceptions as pex
import requests

from ..context import LabContext

__all__ = ["Login", "RabbitMQ"]

AMQP_PORT, HTTP_PORT = 5672, 15672
# A refused login is an expected observation here, not an error worth pika's log lines.
logging.getLogger("pika").setLevel(logging.CRITICAL)
# What the broker says when it refuses a login: as opposed to not answering at all.
_REFUSALS = (pex.ProbableAuthenticationError, pex.AuthenticationError, pex.ProbableAccessDeniedError,
             pex.ConnectionClosedByBroker)


@dataclass(frozen=True)
class Login:
    ok: bool
    refused: bool  # the broker answered and said no
    detail: str


# GET /api/definitions as guest from inside the container, with bash's /dev/tcp: both flavours' images have
# bash, neither needs curl. The default guest/guest credentials, not a secret of the lab.
_LOOPBACK_DEFINITIONS = (
    "exec 3<>/dev/tcp/127.0.0.1/15672 || exit 7; "
    r"printf 'GET /api/definitions HTTP/1.0\r\nHost: localhost\r\nAuthorization: Basic Z3Vlc3Q6Z3Vlc3Q=\r\n\r\n' >&3; "
    "cat <&3")


class RabbitMQ:
    def __init__(self, lab: LabContext, service: str = "rabbitmq") -> None:
        self.lab = lab
        self.service = service

    # --- definitions (one read per grading generation) ---------------------------------------------

    def definitions(self) -> dict[str, Any]:
        __tracebackhide__ = True
        return self.lab.cached(("rabbitmq-definitions", self.service), self._export)

    def _export(self) -> dict[str, Any]:
        """The broker's definitions: from the management API on the container's loopback (guest may log in
        there; ~0.08 s), else from `rabbitmqctl export_definitions` (~0.5 s: the Erlang CLI boots each time).
        Both read the same database; the API is only a shortcut and the CLI decides where it fails (guest
        removed or given a password, the plugin off, another port)."""
        __tracebackhide__ = True
        res = self.lab.exec(self.service, ["timeout", "5", "bash", "-c", _LOOPBACK_DEFINITIONS], timeout=30)
        head, _, body = res.stdout.replace("\r\n", "\n").partition("\n\n")  # text mode may keep or fold \r
        if res.ok and head.startswith("HTTP/1.1 200") and body.lstrip().startswith("{"):
            with contextlib.suppress(ValueError):
                api: dict[str, Any] = json.loads(body)
                return api
        res = self.lab.exec(self.service, ["rabbitmqctl", "-q", "export_definitions", "-"], timeout=60)
        if not res.ok:
            raise AssertionError(
                "could not read the broker's state with `rabbitmqctl export_definitions` "
                f"(is the broker running?): {(res.stderr or res.stdout).strip().splitlines()[-1:] }")
        text = res.stdout[res.stdout.index("{"):]  # tolerate a banner line before the JSON
        data: dict[str, Any] = json.loads(text)
        return data

    def vhosts(self) -> list[str]:
        return sorted(v["name"] for v in self.definitions().get("vhosts", []))

    def users(self) -> dict[str, dict[str, Any]]:
        return {u["name"]: u for u in self.definitions().get("users", [])}

    def permissions(self, user: str, vhost: str) -> dict[str, str] | None:
        for p in self.definitions().get("permissions", []):
            if p["user"] == user and p["vhost"] == vhost:
                return {k: p[k] for k in ("configure", "write", "read")}
        return None

    def vhosts_of(self, user: str) -> list[str]:
        return sorted(p["vhost"] for p in self.definitions().get("permissions", []) if p["user"] == user)

    # --- live node state (the CLI answers at once; the management API's node and queue figures
    #     are statistics that lag up to one collection interval, 5 s by default) ----------------------

    def _cli_json(self, argv: list[str], what: str) -> Any:
        __tracebackhide__ = True
        res = self.lab.exec(self.service, argv, timeout=60)
        text = res.stdout.strip()
        if not res.ok or not text:
            tail = (res.stderr or res.stdout).strip().splitlines()[-1:]
            raise AssertionError(f"could not read {what} with `{' '.join(argv[:2])}` (is the broker running?): {tail}")
        start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=0)
        return json.loads(text[start:])  # tolerate a banner line before the JSON

    def node_status(self) -> dict[str, Any]:
        """`rabbitmq-diagnostics status` as JSON: alarms, disk_free_limit, disk_free, config_files ..."""
        __tracebackhide__ = True
        argv = ["rabbitmq-diagnostics", "-q", "status", "--formatter", "json"]
        data: dict[str, Any] = self.lab.cached(("rabbitmq-status", self.service),
                                               lambda: self._cli_json(argv, "the node status"))
        return data

    def alarms(self) -> list[str]:
        """Resource alarms in effect on the node: e.g. ['disk'], ['memory'], or []."""
        out = []
        for a in self.node_status().get("alarms", []):
            out.append(str(a.get("resource", a)) if isinstance(a, dict) else str(a))
        return sorted(out)

    def queues(self, vhost: str = "/") -> dict[str, dict[str, Any]]:
        """Queues of a vhost by name, live from `rabbitmqctl list_queues`: type, durable, messages
        (ready + unacknowledged), consumers, policy, operator_policy, effective_policy_definition (a dict)."""
        __tracebackhide__ = True
        argv = ["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "type", "durable", "messages",
                "consumers", "policy", "operator_policy", "effective_policy_definition", "--formatter", "json"]

        def fetch() -> dict[str, dict[str, Any]]:
            __tracebackhide__ = True
            res = self.lab.exec(self.service, argv, timeout=60)
            if not res.ok:
                tail = (res.stderr or res.stdout).strip().splitlines()[-1:]
                if "does not exist" in " ".join(tail) or "no_such_vhost" in " ".join(tail):
                    return {}
                raise AssertionError(f"could not list the queues of vhost '{vhost}' (is the broker running?): {tail}")
            text = res.stdout.strip()
            rows = json.loads(text[text.find("["):]) if "[" in text else []
            out = {}
            for r in rows:
                eff = r.get("effective_policy_definition") or {}
                if isinstance(eff, list):  # 4.0 renders the definition as a list of [key, value] pairs
                    eff = {k: v for k, v in eff}
                r["effective_policy_definition"] = eff
                out[r["name"]] = r
            return out

        data: dict[str, dict[str, Any]] = self.lab.cached(("rabbitmq-queues", self.service, vhost), fetch)
        return data

    # --- AMQP --------------------------------------------------------------------------------------

    def _connect(self, user: str, password: str, vhost: str, socket_timeout: float = 5.0,
                 blocked_timeout: float = 10.0) -> pika.BlockingConnection | Login:
        """The one place a connection opens: the connection, or a Login saying why not (the exception's name
        and text in `detail`; `refused` where the broker answered and said no)."""
        params = pika.ConnectionParameters(
            host=self.lab.host, port=self.lab.port(self.service, AMQP_PORT), virtual_host=vhost,
            credentials=pika.PlainCredentials(user, password, erase_on_connect=True),
            connection_attempts=1, socket_timeout=socket_timeout, blocked_connection_timeout=blocked_timeout,
            heartbeat=0)
        try:
            return pika.BlockingConnection(params)
        except _REFUSALS as e:
            return Login(False, True, type(e).__name__ + (f": {e}" if str(e) else ""))
        except pex.AMQPError as e:
            return Login(False, False, f"{type(e).__name__}: {e!r}")

    def login(self, user: str, password: str, vhost: str = "/") -> Login:
        conn = self._connect(user, password, vhost)
        if isinstance(conn, Login):
            result = Login(False, conn.refused, (f"refused by the broker ({conn.detail})" if conn.refused
                                                 else f"no answer from the broker on AMQP ({conn.detail})"))
        else:
            conn.close()
            result = Login(True, False, "logged in")
        self.lab.record("amqp-login", user=user, vhost=vhost, ok=result.ok, detail=result.detail)
        return result

    @contextmanager
    def amqp(self, user: str, password: str, vhost: str) -> Iterator[pika.adapters.blocking_connection.BlockingChannel]:
        """A channel as `user` on `vhost`; fails with the broker's own reason when the login does not work."""
        __tracebackhide__ = True
        conn = self._connect(user, password, vhost)
        if isinstance(conn, Login):
            kind = conn.detail.split(":", 1)[0]
            if conn.refused:
                raise AssertionError(f"user '{user}' cannot log in over AMQP to vhost '{vhost}' with the given "
                                     f"password: the broker refused ({kind})")
            raise AssertionError(f"could not reach the broker over AMQP ({kind}); is it running?")
        try:
            yield conn.channel()
        finally:
            if conn.is_open:
                conn.close()

    def round_trip(self, user: str, password: str, vhost: str) -> None:
        """Declare an exclusive (self-deleting) queue, publish with confirms, get the message back."""
        __tracebackhide__ = True
        body = f"altlab-probe-{uuid.uuid4().hex}".encode()
        with self.amqp(user, password, vhost) as ch:
            try:
                q = ch.queue_declare(queue="", exclusive=True, auto_delete=True).method.queue
                ch.confirm_delivery()
                ch.basic_publish(exchange="", routing_key=q, body=body, mandatory=True)
                method, _props, got = ch.basic_get(q, auto_ack=True)
            except pex.ChannelClosedByBroker as e:
                raise AssertionError(f"user '{user}' logged in to '{vhost}' but the broker refused the "
                                     f"operation: {e.reply_code} {e.reply_text}") from None
            if got != body:
                raise AssertionError(f"user '{user}' published to '{vhost}' but did not get the message back")

    def publish_refused(self, user: str, password: str, vhost: str) -> tuple[bool, str]:
        """Try a publish to the default exchange with confirms: (refused?, what happened)."""
        with self.amqp(user, password, vhost) as ch:
            try:
                ch.confirm_delivery()
                ch.basic_publish(exchange="", routing_key=f"altlab-no-such-queue-{uuid.uuid4().hex[:8]}", body=b"x")
            except pex.ChannelClosedByBroker as e:
                return e.reply_code == 403, f"{e.reply_code} {e.reply_text}"
            except pex.UnroutableError:
                return False, "the publish was accepted"
            return False, "the publish was accepted"

    def publish_confirmed(self, user: str, password: str, vhost: str = "/", within: float = 5.0) -> tuple[bool, str]:
        """Publish one persistent message with confirms to an exclusive, self-deleting queue and get it
        back, all within `within` seconds: (worked?, what happened). Leaves nothing behind."""
        body = f"altlab-probe-{uuid.uuid4().hex}".encode()
        t0 = time.monotonic()
        conn = self._connect(user, password, vhost, socket_timeout=within, blocked_timeout=within)
        if isinstance(conn, Login):
            kind = conn.detail.split(":", 1)[0]
            return False, (f"user '{user}' cannot log in to vhost '{vhost}' ({kind})" if conn.refused
                           else f"no answer from the broker on AMQP ({kind})")
        try:
            ch = conn.channel()
            q = ch.queue_declare(queue="", exclusive=True, auto_delete=True).method.queue
            ch.confirm_delivery()
            ch.basic_publish(exchange="", routing_key=q, body=body, mandatory=True,
                             properties=pika.BasicProperties(delivery_mode=2))
            _m, _p, got = ch.basic_get(q, auto_ack=True)
        except pex.ConnectionBlockedTimeout:
            return False, (f"the broker blocked the publishing connection (connection.blocked) and had not "
                           f"confirmed the message after {within:g} s")
        except pex.ChannelClosedByBroker as e:
            return False, f"the broker refused the publish: {e.reply_code} {e.reply_text}"
        except (pex.AMQPError, OSError) as e:
            return False, f"the publish did not complete ({type(e).__name__}: {e})"
        finally:
            if conn.is_open:
                try:
                    conn.close()
                except (pex.AMQPError, OSError):
                    pass
        took = time.monotonic() - t0
        if got != body:
            return False, "the publish was confirmed but the message did not come back from the queue"
        if took > within:
            return False, f"the publish was confirmed only after {took:.1f} s (expected within {within:g} s)"
        return True, f"confirmed and read back in {took:.2f} s"

    # --- management HTTP API -------------------------------------------------------------------------

    def http(self, path: str, user: str, password: str) -> tuple[int, Any]:
        """GET on the management API: (status code, parsed JSON or text). Status 0: no answer."""
        url = self.lab.url(self.service, HTTP_PORT, "/api" + path)
        try:
            r = requests.get(url, auth=(user, password), timeout=10)
        except requests.RequestException as e:
            self.lab.record("http", url=url, user=user, error=type(e).__name__)
            return 0, f"no answer from the management API ({type(e).__name__})"
        self.lab.record("http", url=url, user=user, status=r.status_code, body=r.text)
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, r.text

    def api_json(self, path: str, user: str = "guest", password: str = "guest") -> Any:
        """GET on the management API that must succeed: parsed JSON, else an assertion that says why."""
        __tracebackhide__ = True
        status, body = self.http(path, user, password)
        if status == 0:
            raise AssertionError(f"the management API does not answer on port {HTTP_PORT} (is the broker running?)")
        if status == 401:
            raise AssertionError(f"the management API refused the login of '{user}' (HTTP 401)")
        if status != 200:
            raise AssertionError(f"the management API answered HTTP {status} to GET /api{path}: {str(body)[:200]}")
        return body

    def policies(self, vhost: str, *, operator: bool = False, user: str = "guest",
                 password: str = "guest") -> list[dict[str, Any]]:
        """Policies (or operator policies) of a vhost from the management API: name, pattern, apply-to,
        definition (a dict), priority. Policies are read from the schema store: no statistics lag."""
        __tracebackhide__ = True
        kind = "operator-policies" if operator else "policies"
        data: list[dict[str, Any]] = self.api_json(f"/{kind}/{quote(vhost, safe='')}", user, password)
        return data

    def exchange_exists(self, vhost: str, name: str, user: str = "guest", password: str = "guest") -> bool:
        __tracebackhide__ = True
        status, _ = self.http(f"/exchanges/{quote(vhost, safe='')}/{quote(name, safe='')}", user, password)
        if status == 0:
            raise AssertionError(f"the management API does not answer on port {HTTP_PORT} (is the broker running?)")
        return status == 200
