"""Checks of clickhouse-freeze-restore: 100 points. They read rows, system.parts and the folders
detached/ and shadow/ (FREEZE copies: their parts are found by count.txt, whatever the layout)."""

import pytest


def _rows_by_partition(parts):
    out: dict[str, int] = {}
    for part in parts:
        if part.rows:
            out[part.partition_id] = out.get(part.partition_id, 0) + part.rows
    return out


def _fmt(rows: dict) -> str:
    return ", ".join(f"{k}: {v} rows" for k, v in sorted(rows.items())) or "no parts with rows"


@pytest.mark.points(25)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("shadow/<backup>/.../<month>_* -> the table's detached/ (cp -a), ALTER TABLE ... ATTACH PARTITION")
def test_lost_month_restored(lab, ch, events):
    """The lost month is back with every row, exactly once"""
    p = lab.params
    month = int(p.lost_month)
    got, want = ch.month_stats(p.database, p.table).get(month), events.expected(month)
    assert got == want, (f"expected {p.database}.{p.table} to hold {want} of {month} again; found "
                         f"{got or 'no rows'}")


@pytest.mark.points(20)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.depends("test_lost_month_restored")
@pytest.mark.look("attach only the lost month's parts; count() per toYYYYMM(ts)")
def test_other_months_untouched(lab, ch, events):
    """The other months still hold exactly their rows, including those written after the backup"""
    p = lab.params
    stats = ch.month_stats(p.database, p.table)
    wrong = [f"{m}: expected {events.expected(m)}, found {stats.get(m) or 'no rows'}"
             for m in events.months if m != int(p.lost_month) and stats.get(m) != events.expected(m)]
    extra = sorted(set(stats) - set(events.months))
    if extra:
        wrong.append(f"rows of months that never existed: {', '.join(map(str, extra))}")
    assert not wrong, ("the months that were not lost must stay as they were (rows written after the backup "
                       "included, nothing twice): " + "; ".join(wrong))


@pytest.mark.points(15)
@pytest.mark.covers(1, 2)
@pytest.mark.persistent
@pytest.mark.depends("test_lost_month_restored")
@pytest.mark.look("system.parts WHERE active; ls the table's detached/ folder")
def test_restored_parts_active(lab, ch, events):
    """The restored parts are active parts of the table, and detached/ holds nothing left over"""
    p = lab.params
    parts = [x for x in ch.active_parts(p.database, p.table) if x["partition_id"] == p.lost_month and x["rows"]]
    rows = sum(x["rows"] for x in parts)
    want = events.expected(int(p.lost_month)).rows
    assert rows == want, (f"expected active parts of partition {p.lost_month} holding {want} rows in "
                          f"system.parts; found {len(parts)} part(s) holding {rows}")
    # "Leave nothing behind": every entry, not only part-named folders (a failed ATTACH leaves
    # ignored_/broken_ folders, a copy may leave a tarball or a scratch folder).
    left = ch.detached_parts(p.database, p.table)
    assert not left, (f"detached/ of {p.database}.{p.table} still holds what nobody attached: "
                      f"{', '.join(left)}; remove what you do not need")


@pytest.mark.points(10)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.depends("test_lost_month_restored")
@pytest.mark.look("cp, not mv, out of /var/lib/clickhouse/shadow/<backup>")
def test_backup_kept_intact(lab, ch, backed_up):
    """The backup used for the restore is still complete (copied from, not moved out of)"""
    p = lab.params
    parts = ch.shadow_parts(p.backup_name)
    assert parts is not None, (f"the backup /var/lib/clickhouse/shadow/{p.backup_name} is gone; "
                               "a backup must stay after a restore")
    got = _rows_by_partition(parts)
    want = {str(m): backed_up.expected(m).rows for m in backed_up.months}
    assert got == want, (f"the backup shadow/{p.backup_name} must still hold what it held ({_fmt(want)}); "
                         f"found {_fmt(got)}")


@pytest.mark.points(15)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends("test_lost_month_restored")
@pytest.mark.look("ALTER TABLE ... FREEZE WITH NAME '...' after the ATTACH")
def test_new_backup_taken(lab, ch, events):
    """A fresh named FREEZE holds the restored month and today's rows"""
    p = lab.params
    parts = ch.shadow_parts(p.new_backup_name)
    assert parts is not None, (f"no backup named '{p.new_backup_name}': expected "
                               f"ALTER TABLE {p.database}.{p.table} FREEZE WITH NAME '{p.new_backup_name}' "
                               f"after the restore (/var/lib/clickhouse/shadow/{p.new_backup_name})")
    got = _rows_by_partition(parts)
    want = {str(m): events.expected(m).rows for m in events.months}
    assert got == want, (f"the backup shadow/{p.new_backup_name} must hold the table as restored "
                         f"({_fmt(want)}); found {_fmt(got)}")


@pytest.mark.points(15)
@pytest.mark.covers(4)
@pytest.mark.after_restart
def test_restore_survives_restart(restart_outcome):
    """Everything above still holds after a server restart"""
    restart_outcome.assert_all_passed()
