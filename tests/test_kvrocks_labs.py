"""The Kvrocks labs (run on the debian flavour's Redis): parsers of the redis helper, and grading only reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.grading import grade
from pytest_altlab.helpers.redis import parse_client_list, parse_config, parse_info, parse_size
from pytest_altlab.lab import LabRunner

# --- text formats (no Docker) ---------------------------------------------------------------------


def test_parse_config_last_directive_wins_and_quotes_go() -> None:
    text = "# requirepass foobared\nmaxclients 10000\nrequirepass \"a b\"\nMaxClients 2500\n\n"
    assert parse_config(text) == {"maxclients": "2500", "requirepass": "a b"}


def test_parse_size_reads_bytes_and_human_units() -> None:
    assert parse_size("14188544") == 14188544
    assert parse_size("13.53M") == int(13.53 * 1024 ** 2)
    assert parse_size("2 GB") == 2 * 1024 ** 3
    assert parse_size("100 bytes") == 100
    assert parse_size("lots") is None


def test_parse_info_and_client_list() -> None:
    info = parse_info("# Clients\r\nconnected_clients:8\r\n# Last scan db time: Thu\r\nused_percent: 0%\r\n")
    assert info == {"connected_clients": "8", "used_percent": "0%"}
    rows = parse_client_list("id=6 addr=127.0.0.1:1 name= age=3\nid=7 addr=127.0.0.1:2 name=stale-worker age=9\n")
    assert [(r["id"], r["name"]) for r in rows] == [("6", ""), ("7", "stale-worker")]


# --- grading reads and never writes (Docker) ------------------------------------------------------


@pytest.fixture(scope="module")
def diagnostics() -> Iterator[LabRunner]:
    r = LabRunner(Catalog().get("kvrocks-diagnostics"), "readonly-test")
    r.stop()
    r.start()
    yield r
    r.stop()


def _state(r: LabRunner) -> dict[str, object]:
    """Client names, the key count, and how often SCAN and KEYS ran."""
    ctx = r.context()
    script = ("redis-cli -p 6666 CLIENT LIST | sed -n 's/.* name=\\([^ ][^ ]*\\) .*/\\1/p' | sort | uniq -c; "
              "redis-cli -p 6666 DBSIZE; "
              "redis-cli -p 6666 INFO commandstats | grep -E '^cmdstat_(scan|keys):' | cut -d, -f1")
    res = ctx.exec("cache", ["sh", "-c", script])
    assert res.ok, res.stderr
    return {"out": res.stdout.replace("\r", "")}


@pytest.mark.docker
def test_grading_diagnostics_changes_nothing(diagnostics: LabRunner) -> None:
    before = _state(diagnostics)
    _, rep, _ = grade("kvrocks-diagnostics", instance="readonly-test", quiet=True)
    assert rep["score"] == 0
    assert _state(diagnostics) == before  # no client killed, no key touched, no SCAN or KEYS added
    diagnostics.apply_steps(diagnostics.context(), diagnostics.manifest.solution_steps, "solution")
    solved = _state(diagnostics)
    _, rep, _ = grade("kvrocks-diagnostics", instance="readonly-test", quiet=True)
    assert (rep["score"], rep["max_score"]) == (100, 100), rep
    assert rep["servers"]["cache"]["version"].startswith("Redis server"), rep["servers"]  # says what it is
    assert _state(diagnostics) == solved


@pytest.mark.docker
def test_auth_lab_messages_never_print_the_secret() -> None:
    r = LabRunner(Catalog().get("kvrocks-auth-persist"), "readonly-test")
    r.stop()
    try:
        ctx = r.start(seed="secret-test")
        secret = ctx.params.secret_a + ctx.params.secret_b
        assert len(secret) == 32
        # A near-miss with the secret in the running server but a different one in the file.
        script = (f"redis-cli -p 6666 CONFIG SET requirepass {secret} >/dev/null && "
                  f"echo 'requirepass {secret[:-1]}' >> /var/lib/kvrocks/kvrocks.conf")
        assert ctx.exec("cache", ["sh", "-c", script]).ok
        before = ctx.read_file("cache", "/var/lib/kvrocks/kvrocks.conf")
        _, rep, _ = grade("kvrocks-auth-persist", instance="readonly-test", quiet=True)
        msgs = {c["id"]: c["message"] for c in rep["checks"]}
        assert "31-character value that is not the platform's 32-character secret" in msgs[
            "test_settings_in_config_file"]
        assert all(secret not in m and secret[:-1] not in m for m in msgs.values())
        assert ctx.read_file("cache", "/var/lib/kvrocks/kvrocks.conf") == before
    finally:
        r.stop()
