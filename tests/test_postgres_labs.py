"""The PostgreSQL labs on a real server: grading reads and never writes; login outcomes are told apart."""

from __future__ import annotations

import hashlib

import psycopg
import pytest

from pytest_altlab.helpers.postgres import _classify
from pytest_altlab.lab import LabRunner

from .conftest import assert_grading_changes_nothing

LABS = ["postgres-market-db", "postgres-backup-restore"]



@pytest.mark.parametrize(("message", "reason", "answered"), [
    ('connection failed: connection to server at "127.0.0.1", port 1 failed: FATAL:  no pg_hba.conf entry for '
     'host "172.18.0.1", user "report", database "market", no encryption', "hba", True),
    ('connection failed: connection to server at "127.0.0.1", port 1 failed: FATAL:  pg_hba.conf rejects '
     'connection for host "172.18.0.1", user "x", database "y", no encryption', "hba", True),
    ('connection failed: connection to server at "127.0.0.1", port 1 failed: FATAL:  password authentication '
     'failed for user "market"', "password", True),
    ('connection failed: connection to server at "127.0.0.1", port 1 failed: FATAL:  permission denied for '
     'database "market"\nDETAIL:  User does not have CONNECT privilege.', "privilege", True),
    ('connection failed: connection to server at "127.0.0.1", port 1 failed: FATAL:  database "nodb" does not '
     'exist', "no-database", True),
    ('connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused\n\tIs the server '
     'running on that host and accepting TCP/IP connections?', "no-answer", False),
    ('connection failed: connection to server at "127.0.0.1", port 1 failed: server closed the connection '
     'unexpectedly', "no-answer", False),
    ('connection failed: connection to server at "127.0.0.1", port 1 failed: authentication method requirement '
     '"scram-sha-256" failed: server requested a cleartext password', "method", True),
])
def test_login_outcomes_are_told_apart(message: str, reason: str, answered: bool) -> None:
    got = _classify(psycopg.OperationalError(message))
    assert (got.reason, got.answered, got.ok) == (reason, answered, False)
    assert not got.detail.startswith("connection failed")


def digest(r: LabRunner) -> str:
    """Every database with its data, roles with password hashes, and the server's config files."""
    ctx = r.context()
    dump = ctx.exec("postgres", ["pg_dumpall", "-U", "postgres"])
    assert dump.ok, dump.stderr
    conf = ctx.exec("postgres", ["sh", "-c", 'cd "$PGDATA" && cat pg_hba.conf postgresql.conf postgresql.auto.conf'])
    assert conf.ok, conf.stderr
    # 17.6+ wraps plain dumps in \restrict / \unrestrict with a random key per run.
    lines = [x for x in dump.stdout.splitlines() if not x.startswith(("\\restrict ", "\\unrestrict "))]
    return hashlib.sha256(("\n".join(lines) + conf.stdout).encode()).hexdigest()


@pytest.mark.docker
@pytest.mark.parametrize("lab_id", LABS)
def test_grading_changes_nothing(lab_id: str) -> None:
    assert_grading_changes_nothing(lab_id, digest)
