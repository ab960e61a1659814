"""Checks of postgres-backup-restore: 100 points. The database must be as it was when the dump was taken:
catalog and row reads with psql inside the container, the app's own login through the published port."""

import psycopg
import pytest

# What the dump holds: the break step builds the data deterministically (see break.sh), so these
# are the same on every start and every flavour. Fingerprint: md5 of the rows in id order.
ROWS = {
    "customers": (490, "f19dd0f38bb846f8cc6a07e50a41a183",
                  "format('%s|%s|%s|%s', id, email, name, created_on)"),
    "orders": (2921, "e4ef86ba2960f0c06c75ce6105e66a06",
               "format('%s|%s|%s|%s', id, customer_id, amount, to_char(placed_at, 'YYYY-MM-DD HH24:MI:SS'))"),
}
CONSTRAINTS = {  # (table, definition as pg_get_constraintdef prints it)
    ("customers", "PRIMARY KEY (id)"),
    ("customers", "UNIQUE (email)"),
    ("orders", "PRIMARY KEY (id)"),
    ("orders", "FOREIGN KEY (customer_id) REFERENCES customers(id)"),
    ("orders", "CHECK ((amount > (0)::numeric))"),
}
NOT_NULL = {"customers": ["id", "email", "name", "created_on"], "orders": ["id", "customer_id", "amount", "placed_at"]}
SEQUENCES = {"customers": 500, "orders": 3000}  # last id handed out before the dump (rows above were deleted)


def _need_db(lab, pg):
    __tracebackhide__ = True
    db = lab.params.db_name
    assert db in pg.databases(), f"database '{db}' does not exist; existing: {', '.join(pg.databases())}"


def _existing_tables(lab, pg):
    __tracebackhide__ = True
    _need_db(lab, pg)
    return {r["relname"]: r["owner"] for r in pg.query(
        "SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c "
        "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')", lab.params.db_name)}


@pytest.mark.points(10)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("`pg_restore -l DUMP` lists what the dump holds; `\\dt` in psql on the database")
def test_tables_back(lab, pg):
    """The database has its tables customers and orders"""
    tables = _existing_tables(lab, pg)
    missing = [t for t in ROWS if t not in tables]
    assert not missing, (f"table(s) {', '.join(missing)} missing from database '{lab.params.db_name}'; "
                         f"it has: {', '.join(sorted(tables)) or 'no tables'}")


@pytest.mark.points(30)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.depends("test_tables_back")
@pytest.mark.look("a partial restore (-t, --data-only) vs the whole dump; count(*) per table; the pg_restore docs")
def test_rows_restored(lab, pg):
    """Every row is back, exactly as in the dump"""
    problems = []
    for table, (count, digest, row_text) in ROWS.items():
        got = pg.query(f"SELECT count(*) AS n, md5(string_agg({row_text}, ',' ORDER BY id)) AS digest "
                       f"FROM public.{table}", lab.params.db_name)[0]
        if got["n"] != count:
            problems.append(f"{table} has {got['n']} rows, the dump has {count}")
        elif got["digest"] != digest:
            problems.append(f"{table} has the right number of rows ({count}) but their contents differ from the dump")
    assert not problems, "; ".join(problems)


@pytest.mark.points(20)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.depends("test_tables_back")
@pytest.mark.look("`\\d TABLE` in psql; the post-data section of the dump (`pg_restore -l`, --section)")
def test_constraints_restored(lab, pg):
    """Keys, the foreign key, the check, NOT NULLs and the index on orders.customer_id are back"""
    db = lab.params.db_name
    rows = pg.query("SELECT conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def, convalidated "
                    "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                    "AND contype IN ('p', 'u', 'f', 'c')", db)
    have = {(r["tbl"], r["def"]) for r in rows if r["convalidated"]}
    missing = [f"{t}: {d}" for t, d in sorted(CONSTRAINTS) if (t, d) not in have]
    nullable = [f"{r['tbl']}.{r['attname']}" for r in pg.query(
        "SELECT attrelid::regclass::text AS tbl, attname FROM pg_attribute "
        "WHERE attrelid IN ('public.customers'::regclass, 'public.orders'::regclass) AND attnum > 0 "
        "AND NOT attisdropped AND NOT attnotnull", db) if r["attname"] in NOT_NULL.get(r["tbl"], [])]
    indexed = pg.value("SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                       "AND a.attnum = i.indkey[0] WHERE i.indrelid = 'public.orders'::regclass "
                       "AND a.attname = 'customer_id'", db)
    problems = []
    if missing:
        problems.append("missing constraints: " + "; ".join(missing))
    if nullable:
        problems.append("columns that accept NULL but must not: " + ", ".join(nullable))
    if not indexed:
        problems.append("no index on orders (customer_id)")
    assert not problems, " | ".join(problems)


@pytest.mark.points(25)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends("test_tables_back")
@pytest.mark.look("the SEQUENCE SET entries of `pg_restore -l DUMP`; last_value in pg_sequences")
def test_sequences_continue(lab, pg):
    """The id sequences continue exactly where they were when the dump was taken"""
    # Both sides of the number: behind it hands out ids again; far ahead is not "where they were" either.
    # The next value is read from the sequence itself (last_value, is_called): pg_sequences shows NULL
    # after setval(..., false), which would read as "starts at 1".
    db = lab.params.db_name
    problems = []
    for table, dumped in SEQUENCES.items():
        seq = pg.value(f"SELECT pg_get_serial_sequence('public.{table}', 'id')", db)
        if seq is None:
            problems.append(f"{table}.id takes its values from no sequence (no serial default or identity)")
            continue
        r = pg.query(f"SELECT CASE WHEN s.is_called THEN s.last_value + q.seqincrement ELSE s.last_value END "
                     f"AS next_id, (SELECT max(id) FROM public.{table}) AS max_id FROM {seq} s, pg_sequence q "
                     f"WHERE q.seqrelid = '{seq}'::regclass", db)[0]
        nxt, max_id = int(r["next_id"]), r["max_id"]
        if max_id is not None and nxt <= max_id:
            problems.append(f"{table}.id: the next insert would get id {nxt}, which already exists "
                            f"(largest id {max_id})")
        elif nxt <= dumped:
            problems.append(f"{table}.id: the next insert would get id {nxt}, but ids up to {dumped} were "
                            f"handed out before the dump (sequence {seq} is behind)")
        elif nxt != dumped + 1:
            problems.append(f"{table}.id: the next insert would get id {nxt}; when the dump was taken the "
                            f"sequence {seq} stood at {dumped}, so the next id is {dumped + 1} "
                            f"(the sequence is ahead of the dump)")
    assert not problems, "; ".join(problems)


@pytest.mark.points(15)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.depends("test_tables_back")
@pytest.mark.look("the Owner column of `\\l` and `\\dt` in psql; what pg_restore's --no-owner does to ownership")
def test_app_reads_its_data(lab, pg):
    """The app role owns its database and its tables and reads them when it logs in from outside the container"""
    p = lab.params
    db_owner = pg.value("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'db'", db=p.db_name)
    assert db_owner == p.app_role, (f"expected database '{p.db_name}' to be owned by '{p.app_role}'; its owner is "
                                    f"'{db_owner}' (a database made by createdb belongs to whoever ran it)")
    owners = _existing_tables(lab, pg)
    wrong = {t: o for t, o in owners.items() if t in ROWS and o != p.app_role}
    assert not wrong, ("expected the tables to be owned by '" + p.app_role + "'; "
                       + ", ".join(f"{t} is owned by '{o}'" for t, o in sorted(wrong.items())))
    with pg.connect(p.app_role, p.app_password, p.db_name) as conn:
        for table in ROWS:
            try:
                conn.execute(f"SELECT count(*) FROM public.{table}").fetchone()
            except psycopg.Error as e:
                raise AssertionError(f"'{p.app_role}' logged in but cannot read {table}: "
                                     f"{' '.join(str(e).split())}") from None
