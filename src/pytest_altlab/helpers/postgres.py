"""PostgreSQL observations for checks: logins from the host via psycopg, catalog reads via psql in the container."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from ..context import LabContext

__all__ = ["Postgres", "Login", "PG_PORT"]

PG_PORT = 5432

# What the server says when it answers but turns a login away, as found in libpq's error text:
# (reason, words in the message). psycopg 3 gives no SQLSTATE for failed connections.
_REFUSALS = (
    ("hba", ("no pg_hba.conf entry", "pg_hba.conf rejects connection")),
    ("password", ("password authentication failed", "authentication failed for user")),
    ("privilege", ("permission denied for database", "does not have connect privilege")),
    ("no-database", ("database \"",)),  # FATAL: database "x" does not exist
    ("nologin", ("is not permitted to log in",)),
)


@dataclass(frozen=True)
class Login:
    """The outcome of one login attempt from the host."""

    ok: bool
    answered: bool  # the server answered (it may still have said no)
    reason: str  # ok | hba | password | privilege | no-database | nologin | refused | no-answer
    detail: str  # the server's words, or the network error, on one line

    @property
    def refused(self) -> bool:
        """The server answered and turned the login away (as opposed to not answering at all)."""
        return self.answered and not self.ok


def _one_line(e: BaseException) -> str:
    # Drop libpq's 'connection failed: connection to server at "127.0.0.1", port N failed:' prefix.
    text = " ".join(str(e).split())
    return re.sub(r'^.*?port \d+ failed: ', "", text)


def _classify(e: psycopg.Error) -> Login:
    detail = _one_line(e)
    if "FATAL" not in str(e):
        return Login(False, False, "no-answer", detail)
    low = detail.lower()
    for reason, words in _REFUSALS:
        if any(w in low for w in words):
            if reason == "no-database" and "does not exist" not in low:
                continue
            return Login(False, True, reason, detail)
    return Login(False, True, "refused", detail)


_EXPLAIN = {
    "hba": "pg_hba.conf has no rule that lets this user into this database from the host",
    "password": "password authentication failed (a wrong password, a role that does not exist or cannot "
                "log in, or a stored password that does not fit the pg_hba.conf method)",
    "privilege": "the role has no CONNECT privilege on the database",
    "no-database": "the database does not exist",
    "nologin": "the role is not allowed to log in (NOLOGIN)",
    "refused": "the server refused the connection",
}


class Postgres:
    def __init__(self, lab: LabContext, service: str = "postgres") -> None:
        self.lab = lab
        self.service = service

    @property
    def where(self) -> str:
        return f"{self.lab.host}:{self.lab.port(self.service, PG_PORT)}"

    # --- logins from the host, through the published port (what an application sees) --------------

    def _connect(self, user: str, password: str, dbname: str) -> psycopg.Connection[Any]:
        return psycopg.connect(host=self.lab.host, port=self.lab.port(self.service, PG_PORT), user=user,
                               password=password, dbname=dbname, sslmode="disable", connect_timeout=5,
                               application_name="altlab-check", autocommit=True)

    def login(self, user: str, password: str, dbname: str) -> Login:
        """Try a login from the host; never raises for a refusal or a server that does not answer."""
        try:
            conn = self._connect(user, password, dbname)
        except psycopg.Error as e:
            return _classify(e)
        conn.close()
        return Login(True, True, "ok", "logged in")

    def explain(self, login: Login, user: str, dbname: str) -> str:
        """A candidate's sentence for a failed login."""
        if not login.answered:
            return (f"the server does not answer connections from outside its container on {self.where} "
                    f"(published from port {PG_PORT}): is it running and listening on the container's "
                    f"network address, not only on localhost? ({login.detail})")
        return (f"the server refused '{user}' on database '{dbname}': {_EXPLAIN.get(login.reason, login.reason)} "
                f"(server said: {login.detail})")

    @contextmanager
    def connect(self, user: str, password: str, dbname: str) -> Iterator[psycopg.Connection[Any]]:
        """An autocommit connection from the host; fails with the server's own reason when the login does not work."""
        __tracebackhide__ = True
        try:
            conn = self._connect(user, password, dbname)
        except psycopg.Error as e:
            raise AssertionError(f"'{user}' cannot log in to database '{dbname}' from outside the container "
                                 f"with the given password: {self.explain(_classify(e), user, dbname)}") from None
        try:
            yield conn
        finally:
            conn.close()

    def assert_refused(self, user: str, password: str, dbname: str, why: str = "") -> Login:
        """The server must answer and turn this login away; a server that does not answer is a failure too."""
        __tracebackhide__ = True
        got = self.login(user, password, dbname)
        if got.ok:
            raise AssertionError(f"'{user}' logged in to database '{dbname}' from outside the container; "
                                 f"expected the server to refuse it{': ' + why if why else ''}")
        if not got.answered:
            raise AssertionError("cannot tell whether the login is refused: " + self.explain(got, user, dbname))
        return got

    # --- catalog reads inside the container (psql on the local socket, as the superuser) ------------

    def query(self, sql: str, dbname: str = "postgres", **params: str) -> list[dict[str, Any]]:
        """Rows of a read-only SELECT as dicts. `params` become psql variables (:'name' / :"name" in `sql`)."""
        __tracebackhide__ = True
        wrapped = f"SELECT coalesce(json_agg(altlab_row), '[]'::json) FROM ({sql.strip().rstrip(';')}) AS altlab_row;\n"
        argv = ["sh", "-c", 'PGPASSWORD="${POSTGRES_PASSWORD:-}" exec psql "$@"', "psql",
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", dbname, "-f", "-"]
        for k, v in params.items():
            argv += ["-v", f"{k}={v}"]
        res = self.lab.exec(self.service, argv, user="postgres", input=wrapped, timeout=60)
        if not res.ok:
            last = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
            raise AssertionError(f"could not read the server's state with psql inside the container "
                                 f"(is PostgreSQL running, and does the local socket still let "
                                 f"'postgres' in?): {last[0]}")
        rows: list[dict[str, Any]] = json.loads(res.stdout.strip() or "[]")
        return rows

    def value(self, sql: str, dbname: str = "postgres", **params: str) -> Any:
        """The first column of the first row, or None when there is no row."""
        __tracebackhide__ = True
        rows = self.query(sql, dbname, **params)
        return next(iter(rows[0].values())) if rows else None

    def superuser_password(self) -> str:
        """The password the container's superuser 'postgres' was created with (POSTGRES_PASSWORD)."""
        __tracebackhide__ = True
        res = self.lab.exec(self.service, ["printenv", "POSTGRES_PASSWORD"])
        assert res.ok, "could not read POSTGRES_PASSWORD in the server container (is it running?)"
        return res.stdout.strip()

    def databases(self) -> list[str]:
        return [r["datname"] for r in self.query("SELECT datname FROM pg_database ORDER BY 1")]

    def setting(self, name: str) -> str:
        __tracebackhide__ = True
        return str(self.value("SELECT setting FROM pg_settings WHERE name = :'n'", n=name))
