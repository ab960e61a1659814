"""Checks of clickhouse-partitions: 100 points. They only read system.tables, system.parts and the rows."""

import pytest

from pytest_altlab.helpers.clickhouse import normalize_expr, quote

WANT_PARTITION = "toYYYYMM(ts)"
WANT_SORTING = "account_id,ts"


def _table(lab, ch):
    p = lab.params
    t = ch.table(p.database, p.table)
    assert t is not None, (f"table {p.database}.{p.table} does not exist; tables in {p.database}: "
                           f"{', '.join(ch.tables(p.database)) or 'none'}")
    return t


@pytest.mark.points(20)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("system.tables partition_key; CREATE TABLE ... PARTITION BY, then RENAME TABLE")
def test_events_partitioned_by_month(lab, ch):
    """The table is a MergeTree partitioned by toYYYYMM(ts)"""
    p = lab.params
    t = _table(lab, ch)
    assert t["engine"].endswith("MergeTree"), (
        f"{p.database}.{p.table} must stay a MergeTree table; found engine {t['engine']}")
    got = normalize_expr(t["partition_key"])
    assert got == WANT_PARTITION, (
        f"expected {p.database}.{p.table} to be partitioned by {WANT_PARTITION}; "
        f"found {t['partition_key'] or 'no partition key at all'}")


@pytest.mark.points(15)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("system.tables sorting_key; ORDER BY in the new table's CREATE")
def test_events_sorted_by_account_then_time(lab, ch):
    """The sorting key is (account_id, ts)"""
    p = lab.params
    t = _table(lab, ch)
    got = normalize_expr(t["sorting_key"])
    assert got == WANT_SORTING, (
        f"expected {p.database}.{p.table} to be ordered by (account_id, ts); found ORDER BY ({t['sorting_key']})")


@pytest.mark.points(25)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("INSERT INTO new SELECT * FROM old (once); compare count() per toYYYYMM(ts)")
def test_rows_kept_in_rebuilt_table(lab, ch, events):
    """Every row of the other months is in the rebuilt table, exactly once"""
    p = lab.params
    t = _table(lab, ch)
    assert normalize_expr(t["partition_key"]), (
        f"{p.database}.{p.table} has not been rebuilt yet: it still has no partition key")
    oldest, kept = events.months[0], events.months[1:]
    stats = ch.month_stats(p.database, p.table)
    wrong = []
    for m in kept:
        want, got = events.expected(m), stats.get(m)
        if got != want:
            other = got is not None and got.rows == got.distinct_ids == want.rows  # same count, other rows
            wrong.append(f"{m}: expected {want}, found {got or 'no rows'}"
                         + (" but not the same ones" if other else ""))
    extra = sorted(set(stats) - set(kept) - {oldest})
    if extra:
        wrong.append(f"rows of months that never existed: {', '.join(map(str, extra))}")
    assert not wrong, f"the rows of {p.database}.{p.table} are not the original ones: " + "; ".join(wrong)


@pytest.mark.points(15)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.depends("test_rows_kept_in_rebuilt_table")
@pytest.mark.look("system.parts partition and system.mutations; the ALTER TABLE ... PARTITION statements")
def test_oldest_month_dropped(lab, ch, events):
    """The oldest month is gone as a partition: no rows, no parts holding rows, no row-by-row DELETE"""
    p = lab.params
    oldest = events.months[0]
    stats = ch.month_stats(p.database, p.table)
    # Which month is the oldest is step 2's to find: the messages say "the oldest month", never its id (nor a
    # part's name, which starts with it).
    assert oldest not in stats, (f"the oldest month still has {stats[oldest]} in {p.database}.{p.table}; "
                                 "it must be dropped")
    parts = [x for x in ch.active_parts(p.database, p.table) if x["partition_id"] == str(oldest) and x["rows"]]
    assert not parts, f"the oldest month's partition still has {len(parts)} active part(s) holding rows"
    # "As a partition, not row by row": a DELETE mutation (or a lightweight DELETE, which is one too) also
    # empties the month, but rewrites its parts row by row; system.mutations keeps the record of it.
    muts = ch.rows("SELECT command FROM system.mutations WHERE database = " + quote(p.database)
                   + " AND table = " + quote(p.table))
    deletes = [m["command"] for m in muts if "DELETE" in m["command"].upper() or "_row_exists" in m["command"]]
    assert not deletes, (f"the oldest month was removed row by row: {p.database}.{p.table} ran the mutation(s) "
                         + "; ".join(deletes) + " (system.mutations); it must be removed as a partition")


@pytest.mark.points(10)
@pytest.mark.covers(1, 2)
@pytest.mark.persistent
@pytest.mark.depends("test_events_partitioned_by_month")
@pytest.mark.look("SELECT partition, sum(rows) FROM system.parts WHERE active ... GROUP BY partition")
def test_parts_match_months(lab, ch, events):
    """system.parts: one partition per remaining month, holding that month's rows"""
    p = lab.params
    kept = events.months[1:]
    rows: dict[str, int] = {}
    for part in ch.active_parts(p.database, p.table):
        if part["rows"]:
            rows[part["partition_id"]] = rows.get(part["partition_id"], 0) + part["rows"]
    want = {str(m): events.expected(m).rows for m in kept}
    oldest = str(events.months[0])  # named "the oldest month" only: finding it is step 2 (test_oldest_month_dropped)
    wrong = [f"{k}: expected {v} rows, found {rows.get(k, 'none')}" for k, v in want.items() if rows.get(k) != v]
    extra = sorted(set(rows) - set(want) - {oldest})
    wrong += [f"partitions of months that never existed hold rows: {', '.join(extra)}"] if extra else []
    wrong += ["the oldest month's partition still holds rows"] if rows.get(oldest) else []
    assert rows == want, ("expected one partition per remaining month, holding that month's rows; "
                          + ("; ".join(wrong) if rows else "found no parts with rows"))


@pytest.mark.points(15)
@pytest.mark.covers(3)
@pytest.mark.after_restart
def test_table_survives_restart(restart_outcome):
    """Everything above still holds after a server restart"""
    restart_outcome.assert_all_passed()
