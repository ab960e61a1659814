"""The ClickHouse labs: helper parsing for both server generations, and grading that changes nothing."""

from __future__ import annotations

import hashlib

import pytest

from pytest_altlab.helpers.clickhouse import EventSet, MonthStats, Reply, normalize_expr
from pytest_altlab.lab import LabRunner

from .conftest import assert_grading_changes_nothing

LABS = ["clickhouse-users", "clickhouse-partitions", "clickhouse-freeze-restore"]



@pytest.mark.parametrize(("text", "code", "want"), [
    ("Code: 291, e.displayText() = DB::Exception: Access denied to database altcraft_data for user altcraft, "
     "e.what() = DB::Exception\n", 291, "Access denied to database altcraft_data for user altcraft (code 291)"),
    ("Code: 497. DB::Exception: altcraft: Not enough privileges. To execute this query, it's necessary to have the "
     "grant SELECT(x) ON altcraft_data.t. (ACCESS_DENIED) (version 24.8.4.13 (official build))\n", 497,
     "altcraft: Not enough privileges. To execute this query, it's necessary to have the grant SELECT(x) ON "
     "altcraft_data.t. (ACCESS_DENIED) (code 497)"),
    ("Code: 516. DB::Exception: grafana: Authentication failed: password is incorrect, or there is no user with "
     "such name. (AUTHENTICATION_FAILED) (version 24.8.4.13 (official build))\n", 516,
     "grafana: Authentication failed: password is incorrect, or there is no user with such name. "
     "(AUTHENTICATION_FAILED) (code 516)"),
])
def test_server_errors_read_the_same_on_old_and_new_servers(text: str, code: int, want: str) -> None:
    rep = Reply(500, text, code)
    assert rep.error == want
    assert not rep.ok and rep.answered


def test_outcomes_are_told_apart() -> None:
    assert Reply(401, "", 193).auth_failed and Reply(401, "", 516).auth_failed
    assert Reply(500, "", 164).denied and Reply(500, "", 291).denied and Reply(403, "", 497).denied
    assert not Reply(404, "", 60).denied
    assert not Reply(0, "no answer", None).answered


def test_key_expressions_compare_without_spaces_and_outer_parentheses() -> None:
    assert normalize_expr("(account_id, ts)") == normalize_expr("account_id, ts") == "account_id,ts"
    assert normalize_expr("toYYYYMM(ts)") == "toYYYYMM(ts)"
    assert normalize_expr("(a) + (b)") == "(a)+(b)"  # not one pair of outer parentheses
    assert normalize_expr("") == ""


def test_event_sets_know_their_rows() -> None:
    ev = EventSet.parse("202501:3,202502:2", "202502:1+100000")
    assert ev.months == [202501, 202502]
    assert ev.expected(202501) == MonthStats(3, 3, 3 * 202501_000_000 + 3)
    assert ev.expected(202502) == MonthStats(3, 3, 2 * 202502_000_000 + 1 + 202502_100_000)
    assert len(ev.insert_sql("db.t")) == 3
    with pytest.raises(ValueError):
        EventSet.parse("2025-01:3")


def digest(r: LabRunner) -> str:
    """Tables with their definitions and row counts, the users files and the FREEZE copies."""
    ctx = r.context()
    sql = ("SELECT database, name, engine, create_table_query FROM system.tables "
           "WHERE database NOT IN ('system') ORDER BY database, name FORMAT TSV")
    tables = ctx.exec("clickhouse", ["clickhouse-client", "--query", sql])
    assert tables.ok, tables.stderr
    counts = []
    for line in tables.stdout.splitlines():
        db, name = line.split("\t")[:2]
        res = ctx.exec("clickhouse", ["clickhouse-client", "--query", f"SELECT count() FROM `{db}`.`{name}`"])
        counts.append(f"{db}.{name}={res.stdout.strip()}")
    files = ctx.exec("clickhouse", ["sh", "-c", "cat /etc/clickhouse-server/users.xml /etc/clickhouse-server/users.d/* "
                                    "2>/dev/null; find /var/lib/clickhouse/shadow | sort"])
    return hashlib.sha256((tables.stdout + "\n".join(counts) + files.stdout).encode()).hexdigest()


@pytest.mark.docker
@pytest.mark.parametrize("lab_id", LABS)
def test_grading_changes_nothing(lab_id: str) -> None:
    assert_grading_changes_nothing(lab_id, digest)
