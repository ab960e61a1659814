"""RabbitMQ observations for checks: definitions via rabbitmqctl, AMQP logins via pika, the management API."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

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


class RabbitMQ:
    def __init__(self, lab: LabContext, service: str = "rabbitmq") -> None:
        self.lab = lab
        self.service = service

    # --- definitions (one `rabbitmqctl export_definitions` per grading generation) -----------------

    def definitions(self) -> dict[str, Any]:
        __tracebackhide__ = True
        return self.lab.cached(("rabbitmq-definitions", self.service), self._export)

    def _export(self) -> dict[str, Any]:
        __tracebackhide__ = True
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

    # --- AMQP --------------------------------------------------------------------------------------

    def _params(self, user: str, password: str, vhost: str) -> pika.ConnectionParameters:
        return pika.ConnectionParameters(
            host=self.lab.host, port=self.lab.port(self.service, AMQP_PORT), virtual_host=vhost,
            credentials=pika.PlainCredentials(user, password, erase_on_connect=True),
            connection_attempts=1, socket_timeout=5, blocked_connection_timeout=10, heartbeat=0)

    def login(self, user: str, password: str, vhost: str = "/") -> Login:
        try:
            conn = pika.BlockingConnection(self._params(user, password, vhost))
        except _REFUSALS as e:
            return Login(False, True, f"refused by the broker ({type(e).__name__}: {e})")
        except pex.AMQPError as e:
            return Login(False, False, f"no answer from the broker on AMQP ({type(e).__name__}: {e!r})")
        conn.close()
        return Login(True, False, "logged in")

    @contextmanager
    def amqp(self, user: str, password: str, vhost: str) -> Iterator[pika.adapters.blocking_connection.BlockingChannel]:
        """A channel as `user` on `vhost`; fails with the broker's own reason when the login does not work."""
        __tracebackhide__ = True
        try:
            conn = pika.BlockingConnection(self._params(user, password, vhost))
        except _REFUSALS as e:
            raise AssertionError(f"user '{user}' cannot log in over AMQP to vhost '{vhost}' with the given "
                                 f"password: the broker refused ({type(e).__name__})") from None
        except pex.AMQPError as e:
            raise AssertionError(f"could not reach the broker over AMQP ({type(e).__name__}); is it running?") from None
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

    # --- management HTTP API -------------------------------------------------------------------------

    def http(self, path: str, user: str, password: str) -> tuple[int, Any]:
        """GET on the management API: (status code, parsed JSON or text). Status 0: no answer."""
        url = self.lab.url(self.service, HTTP_PORT, "/api" + path)
        try:
            r = requests.get(url, auth=(user, password), timeout=10)
        except requests.RequestException as e:
            return 0, f"no answer from the management API ({type(e).__name__})"
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, r.text
