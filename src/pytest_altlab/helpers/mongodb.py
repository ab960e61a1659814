"""MongoDB observations for checks over the published port (pymongo): logins, privileges, users, status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pymongo import MongoClient
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError

from ..context import LabContext

__all__ = ["MONGO_PORT", "Mongo", "UNAUTHORIZED", "AUTH_FAILED"]

MONGO_PORT = 27017
UNAUTHORIZED = 13  # server error codes (src/mongo/base/error_codes.yml)
AUTH_FAILED = 18


class Mongo:
    """One mongod of a lab, reached on 127.0.0.1. Every method only reads (commands, finds, logins)."""

    def __init__(self, lab: LabContext, service: str) -> None:
        self.lab, self.service = lab, service

    @contextmanager
    def client(self, user: str | None = None, password: str | None = None, source: str = "admin",
               mechanism: str = "SCRAM-SHA-256") -> Iterator[MongoClient[dict[str, Any]]]:
        """A direct connection to this one member (no replica-set discovery: members' names resolve
        only on the lab network), authenticated when a user is given."""
        kw: dict[str, Any] = {}
        if user is not None:
            kw = {"username": user, "password": password, "authSource": source, "authMechanism": mechanism}
        c: MongoClient[dict[str, Any]] = MongoClient(
            self.lab.host, self.lab.port(self.service, MONGO_PORT), directConnection=True,
            serverSelectionTimeoutMS=5000, connectTimeoutMS=5000, appname="altlab-grader", **kw)
        try:
            yield c
        finally:
            c.close()

    def login(self, user: str, password: str, source: str = "admin",
              mechanism: str = "SCRAM-SHA-256") -> tuple[bool, str]:
        """(True, "") when USER logs in on SOURCE with MECHANISM; else (False, what the server said)."""
        try:
            with self.client(user, password, source, mechanism) as c:
                c[source].command("ping")  # authentication happens when the connection is made
            return True, ""
        except OperationFailure as e:
            return False, f"the server refused the login: {e.details.get('errmsg', e) if e.details else e}"
        except ConnectionFailure as e:
            raise AssertionError(f"mongod of the service '{self.service}' does not answer on its port: {e}") from None

    def admin_command(self, user: str, password: str, cmd: dict[str, Any], db: str = "admin") -> dict[str, Any]:
        """A read-only command as an administrator; an unreachable server or refused login is an assertion."""
        __tracebackhide__ = True
        try:
            with self.client(user, password) as c:
                res: dict[str, Any] = c[db].command(cmd)
        except OperationFailure as e:
            raise AssertionError(f"as '{user}' on 'admin', the command {next(iter(cmd))} failed: "
                                 f"{(e.details or {}).get('errmsg', e)} (code {e.code})") from None
        except ConnectionFailure as e:
            raise AssertionError(f"mongod of the service '{self.service}' does not answer: {e}") from None
        self.lab.record("mongo_command", service=self.service, command=next(iter(cmd)), response=_plain(res))
        return res

    def can_read(self, user: str | None, password: str | None, source: str, db: str,
                 collection: str) -> tuple[bool, str]:
        """A real `find` (one document) on DB.COLLECTION: (allowed, detail). Only Unauthorized counts as refused."""
        try:
            with self.client(user, password, source) as c:
                c[db][collection].find_one()
            return True, f"'{user or 'a client without a login'}' read {db}.{collection}"
        except OperationFailure as e:
            if e.code == UNAUTHORIZED:
                return False, f"{db}.{collection}: not authorized"
            raise AssertionError(f"reading {db}.{collection} as '{user}' failed: {e}") from None
        except ConnectionFailure as e:
            raise AssertionError(f"mongod of the service '{self.service}' does not answer: {e}") from None

    def privileges(self, user: str, password: str, source: str) -> list[dict[str, Any]]:
        """The privileges the server grants USER after login (connectionStatus showPrivileges)."""
        try:
            with self.client(user, password, source) as c:
                res = c[source].command({"connectionStatus": 1, "showPrivileges": True})
        except PyMongoError as e:
            raise AssertionError(f"'{user}' could not log in on '{source}' to list its privileges: {e}") from None
        privs: list[dict[str, Any]] = res.get("authInfo", {}).get("authenticatedUserPrivileges", [])
        return privs


def actions_on(privileges: list[dict[str, Any]], db: str) -> set[str]:
    """Actions granted on every collection of DB, from connectionStatus privileges (db-wide or cluster-wide)."""
    out: set[str] = set()
    for p in privileges:
        r = p.get("resource", {})
        if r.get("anyResource") or (r.get("db") in (db, "") and r.get("collection") == ""):
            out.update(p.get("actions", []))
    return out


def _plain(doc: Any) -> Any:
    """A JSON-friendly copy of a server reply for the evidence (timestamps and ids as text)."""
    if isinstance(doc, dict):
        return {k: _plain(v) for k, v in doc.items() if k not in ("$clusterTime", "operationTime")}
    if isinstance(doc, list):
        return [_plain(v) for v in doc]
    return doc if isinstance(doc, (str, int, float, bool, type(None))) else str(doc)
