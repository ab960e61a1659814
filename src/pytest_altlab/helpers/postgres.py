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
    if "authentication method requirement" in detail:
        # libpq itself hung up (require_auth): the server answered, but asked for another method.
        return Login(False, True, "method", detail)
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
    "method": "the server does not authenticate this login with the method the client requires: the "
              "pg_hba.conf line that matches it names another auth method",
}


class Postgres:
    def __init__(self, lab: LabContext, service: str = "postgres") -> None:
        self.lab = lab
        self.service = service

    @property
    def where(self) -> str:
        return f"{self.lab.host}:{self.lab.port(self.service, PG_PORT)}"

    # --- logins from the host, through the published port (what an application sees) --------------

    def _connect(self, user: str, password: str, dbname: str, require_auth: str | None = None
                 ) -> psycopg.Connection[Any]:
        # sslmode=prefer is libpq's default, what an app (and the task's psql example) uses: TLS when the
        # server offers it, else plain; so a `hostssl` rule with ssl = on grades like a `host` rule, and a
        # refusal probe meets both kinds of lines.
        extra: dict[str, Any] = {"require_auth": require_auth} if require_auth else {}
        return psycopg.connect(host=self.lab.host, port=self.lab.port(self.service, PG_PORT), user=user,
                               password=password, dbname=dbname, sslmode="prefer", connect_timeout=5,
                               application_name="altlab-check", autocommit=True, **extra)

    def login(self, user: str, password: str, dbname: str, require_auth: str | None = None) -> Login:
        """Try a login from the host; never raises for a refusal or a server that does not answer.
        `require_auth` (libpq's, e.g. "scram-sha-256") makes the client hang up on any other auth method."""
        try:
            conn = self._connect(user, password, dbname, require_auth)
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
        said = "client said" if login.reason == "method" else "server said"
        return (f"the server refused '{user}' on database '{dbname}': {_EXPLAIN.get(login.reason, login.reason)}"
                f"{self._hba_note() if login.reason == 'hba' else ''} ({said}: {login.detail})")

    def _hba_note(self) -> str:
        """Why a pg_hba.conf line the candidate wrote may not match: hostssl lines on a server without TLS."""
        try:
            rows = self.query("SELECT current_setting('ssl') AS ssl, count(*) FILTER (WHERE type = 'hostssl') AS n "
                              "FROM pg_hba_file_rules")
        except AssertionError:
            return ""
        if rows and rows[0]["ssl"] == "off" and rows[0]["n"]:
            return (f"; note: pg_hba.conf has {rows[0]['n']} hostssl line(s), but the server runs with ssl = off, "
                    "so no connection ever matches them")
        return ""

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

    def login_roles(self) -> list[str]:
        """Every role that may log in (rolcanlogin): the ones a pg_hba.conf rule could let in."""
        return [r["rolname"] for r in self.query("SELECT rolname FROM pg_roles WHERE rolcanlogin ORDER BY 1")]

    def network_reach(self, passwords: dict[str, str], allowed: set[tuple[str, str]]) -> list[str]:
        """Every login role x every database from the host, except the `allowed` (role, database) pairs:
        what got in. A role without a known password counts as let in when the server asked for its
        password (a pg_hba.conf line matched it) instead of rejecting it at pg_hba.conf."""
        __tracebackhide__ = True
        through = []
        for role in self.login_roles():
            for db in self.databases():
                if (role, db) in allowed:
                    continue
                known = role in passwords
                got = self.login(role, passwords.get(role, "altlab-no-such-password"), db)
                if not got.answered:
                    raise AssertionError("cannot tell which logins the server lets in: " + self.explain(got, role, db))
                if got.ok:
                    through.append(f"'{role}' into '{db}'")
                elif not known and got.reason == "password":
                    through.append(f"'{role}' into '{db}' (a pg_hba.conf line asks for its password)")
        return through

    def setting(self, name: str) -> str:
        __tracebackhide__ = True
        return str(self.value("SELECT setting FROM pg_settings WHERE name = :'n'", n=name))
