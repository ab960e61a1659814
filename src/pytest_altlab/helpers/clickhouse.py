"""ClickHouse observations for checks: HTTP queries, read-only access probes, parts, detached/ and shadow/."""

from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import requests

from ..context import LabContext

__all__ = ["AUTH_CODES", "DENIED_CODES", "EVENTS_TABLE", "ClickHouse", "EventSet", "MonthStats", "Reply",
           "ShadowPart", "ident", "normalize_expr", "quote"]

HTTP_PORT = 8123
DATA_DIR = "/var/lib/clickhouse"

# Server error codes, the same from 18.16 to 24.x. Old servers name the login failure precisely
# (192 unknown user, 193 wrong password, 194 password required, 195 address not allowed); new ones
# say 516 for all of them. A refused statement is 164 (readonly), 291 (database, old) or 497 (new).
AUTH_CODES = frozenset({192, 193, 194, 195, 516})
DENIED_CODES = frozenset({164, 291, 497})
UNKNOWN_TABLE = 60
NO_DATA_TO_INSERT = 108
_CODE = re.compile(r"Code: (\d+)")

# Inside the server's container: connect from a chosen local address (LocalAddr), send stdin, print the
# answer. perl-base is in every Debian/Ubuntu image; the request (with the password) travels on stdin.
_FROM_SOURCE = ('use IO::Socket::INET; my ($src, $dst, $port) = @ARGV; '
                'my $s = IO::Socket::INET->new(PeerAddr => $dst, PeerPort => $port, LocalAddr => $src, '
                'Proto => "tcp", Timeout => 10) or die "cannot connect from $src to $dst:$port: $!\\n"; '
                'binmode $s; binmode STDOUT; local $/; my $req = <STDIN>; print $s $req; print <$s>;')


@dataclass(frozen=True)
class Reply:
    """One answer of the HTTP interface. status 0: the server did not answer at all."""

    status: int
    text: str
    code: int | None  # the server's error code; None when the statement succeeded

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.code is None

    @property
    def answered(self) -> bool:
        return self.status != 0

    @property
    def auth_failed(self) -> bool:
        return self.code in AUTH_CODES

    @property
    def denied(self) -> bool:
        return self.code in DENIED_CODES

    @property
    def error(self) -> str:
        """The server's message, shortened to what a candidate needs to read."""
        if self.ok:
            return ""
        if not self.answered:
            return self.text
        msg = self.text.strip().splitlines()[0] if self.text.strip() else f"HTTP {self.status}"
        # 18.16: "Code: 291, e.displayText() = DB::Exception: ..., e.what() = DB::Exception";
        # 24.x: "Code: 497. DB::Exception: ... (ACCESS_DENIED) (version 24.8.4.13 (official build))".
        msg = re.sub(r"^Code: \d+[.,]\s*(e\.displayText\(\) = )?(DB::Exception: )?", "", msg)
        msg = re.sub(r",? e\.what\(\) = DB::Exception\s*$", "", msg)
        msg = re.sub(r"\s*\(version [^)]*\)*\s*$", "", msg)
        return (f"{msg[:300]} (code {self.code})" if self.code else msg[:300])

    def describe(self) -> str:
        if self.ok:
            return "it succeeded"
        if not self.answered:
            return self.text
        return f"the server answered: {self.error}"


@dataclass(frozen=True)
class MonthStats:
    rows: int
    distinct_ids: int
    id_sum: int

    def __str__(self) -> str:
        dup = self.rows - self.distinct_ids
        return f"{self.rows} rows" + (f" ({dup} duplicated)" if dup else "")


@dataclass(frozen=True)
class ShadowPart:
    """A data part inside a FREEZE copy: /var/lib/clickhouse/shadow/<name>/.../<part>/."""

    partition_id: str
    name: str
    rows: int


@dataclass(frozen=True)
class EventSet:
    """Deterministic event rows, so a break step writes them and a check knows what must be there.

    Spec: "202501:1500,202502:1700" (month:rows), optionally "202504:300+100000" (ids start at
    month * 10**6 + 100000, for a later batch). Rows lie between the 2nd and 27th of their month,
    so the month is the same in every server time zone.
    """

    batches: tuple[tuple[int, int, int], ...]  # (yyyymm, rows, first event_id)

    @classmethod
    def parse(cls, *specs: str) -> EventSet:
        out = []
        for spec in specs:
            for item in filter(None, (s.strip() for s in spec.replace(" ", ",").split(","))):
                m = re.fullmatch(r"(\d{6}):(\d+)(?:\+(\d+))?", item)
                if not m:
                    raise ValueError(f"bad event batch {item!r}: expected YYYYMM:ROWS[+OFFSET]")
                month, rows, off = int(m[1]), int(m[2]), int(m[3] or 0)
                out.append((month, rows, month * 1_000_000 + off))
        return cls(tuple(out))

    @property
    def months(self) -> list[int]:
        return sorted({b[0] for b in self.batches})

    def insert_sql(self, table: str) -> list[str]:
        """One INSERT ... SELECT per batch (the server generates the rows; 18.16 and 24.x alike)."""
        out = []
        for month, rows, first in self.batches:
            start = f"{month // 100:04d}-{month % 100:02d}-02 00:00:00"
            out.append(
                f"INSERT INTO {table} (event_id, ts, account_id, event_type, amount) "
                f"SELECT toUInt64({first}) + number, toDateTime('{start}') + intDiv(number * 2160000, {rows}), "
                f"toUInt32(number * 7919 % 500 + 1), ['send', 'open', 'click', 'bounce'][number % 4 + 1], "
                f"toUInt32(number * 31 % 1000) FROM numbers({rows})")
        return out

    def expected(self, month: int) -> MonthStats:
        rows = ids = 0
        for m, n, first in self.batches:
            if m == month:
                rows += n
                ids += n * first + n * (n - 1) // 2
        return MonthStats(rows, rows, ids)


# Columns and engine of the event tables that EventSet fills; a lab adds PARTITION BY / ORDER BY.
EVENTS_TABLE = ("(event_id UInt64, ts DateTime, account_id UInt32, event_type String, amount UInt32) "
             "ENGINE = MergeTree")


def normalize_expr(expr: str) -> str:
    """A key expression without spaces and without one pair of outer parentheses: `(a, b)` == `a,b`."""
    e = re.sub(r"\s+", "", expr or "")
    if e.startswith("(") and e.endswith(")") and _balanced(e[1:-1]):
        e = e[1:-1]
    return e


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def quote(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ident(s: str) -> str:
    return "`" + s.replace("`", "\\`") + "`"


class ClickHouse:
    """Reads a ClickHouse service of a lab. Administrative reads go as `default` (no password)."""

    def __init__(self, lab: LabContext, service: str = "clickhouse", user: str = "default",
                 password: str = "") -> None:
        self.lab = lab
        self.service = service
        self.user = user
        self.password = password

    # --- the HTTP interface ----------------------------------------------------------------------

    def query(self, sql: str, user: str | None = None, password: str | None = None,
              data: str | None = None, timeout: float = 30) -> Reply:
        """One statement over HTTP (POST, so writes are not refused for being GETs). Never raises."""
        user = self.user if user is None else user
        password = self.password if password is None else password
        url = self.lab.url(self.service, HTTP_PORT, "/")
        try:
            if data is None:
                r = requests.post(url, data=sql.encode(), auth=(user, password), timeout=timeout)
            else:
                r = requests.post(url, params={"query": sql}, data=data.encode(), auth=(user, password),
                                  timeout=timeout)
        except requests.RequestException as e:
            return Reply(0, f"ClickHouse did not answer on its HTTP port {HTTP_PORT} ({type(e).__name__}); "
                            "is the server running?", None)
        code = r.headers.get("X-ClickHouse-Exception-Code")
        if code is None and r.status_code != 200:
            m = _CODE.search(r.text)
            code = m.group(1) if m else "0"
        if code is None and r.text.startswith("Code: "):  # an error after the headers went out
            m = _CODE.match(r.text)
            code = m.group(1) if m else None
        return Reply(r.status_code, r.text, int(code) if code is not None else None)

    def execute(self, sql: str) -> str:
        """Run a statement as the admin user, for break and variant steps (never for checks)."""
        rep = self.query(sql, timeout=300)
        if not rep.ok:
            raise RuntimeError(f"{sql[:120]}: {rep.describe()}")
        return rep.text

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """Rows of an administrative SELECT (as the admin user); fails with a candidate's sentence."""
        __tracebackhide__ = True
        rep = self.lab.cached(("clickhouse-rows", self.service, sql), lambda: self.query(sql + " FORMAT JSON"))
        if not rep.answered:
            raise AssertionError(rep.text)
        if rep.auth_failed:
            raise AssertionError(f"the checks read the server's system tables as user '{self.user}' without a "
                                 f"password, and that login is refused ({rep.error}); leave that user as it was")
        if not rep.ok:
            raise AssertionError(f"could not read the server's state: {rep.error}")
        data: list[dict[str, Any]] = json.loads(rep.text)["data"]
        return data

    def table(self, database: str, name: str) -> dict[str, Any] | None:
        """system.tables row of a table (engine, partition_key, sorting_key, ...) or None."""
        __tracebackhide__ = True
        rows = self.rows("SELECT engine, partition_key, sorting_key, create_table_query FROM system.tables "
                         f"WHERE database = {quote(database)} AND name = {quote(name)}")
        return rows[0] if rows else None

    def tables(self, database: str) -> list[str]:
        __tracebackhide__ = True
        return [r["name"] for r in self.rows(f"SELECT name FROM system.tables WHERE database = {quote(database)} "
                                             "ORDER BY name")]

    def active_parts(self, database: str, table: str) -> list[dict[str, Any]]:
        """Active parts: partition_id, name, rows (int)."""
        __tracebackhide__ = True
        rows = self.rows("SELECT partition_id, name, rows FROM system.parts WHERE active AND "
                         f"database = {quote(database)} AND table = {quote(table)} ORDER BY name")
        return [{**r, "rows": int(r["rows"])} for r in rows]

    def month_stats(self, database: str, table: str) -> dict[int, MonthStats]:
        """Rows, distinct event ids and their sum per toYYYYMM(ts), whatever the table's partitioning."""
        __tracebackhide__ = True
        rows = self.rows(f"SELECT toYYYYMM(ts) AS m, count() AS n, uniqExact(event_id) AS ids, "
                         f"sum(event_id) AS s FROM {ident(database)}.{ident(table)} GROUP BY m ORDER BY m")
        return {int(r["m"]): MonthStats(int(r["n"]), int(r["ids"]), int(r["s"])) for r in rows}

    # --- access probes: they observe rights without changing anything ----------------------------

    def login(self, user: str, password: str) -> Reply:
        return self.query("SELECT 1", user, password)

    def network_address(self) -> str:
        """The server container's own address on the lab network (from the engine, not from the container)."""
        __tracebackhide__ = True
        nets = (self.lab.inspect(self.service).get("NetworkSettings") or {}).get("Networks") or {}
        addrs = [n.get("IPAddress") for n in nets.values() if n.get("IPAddress")]
        assert addrs, f"the {self.service} container has no address on the lab network (is it running?)"
        return str(addrs[0])

    def query_from(self, source: str, sql: str, user: str, password: str, dest: str | None = None) -> Reply:
        """One statement over HTTP sent inside the server's container from the local address `source`, so the
        server sees another client address than the Docker gateway every probe from the host comes from
        (the container's own network address, or a loopback alias such as 127.0.0.2). Never raises."""
        auth = base64.b64encode(f"{user}:{password}".encode()).decode()
        body = sql.encode()
        req = (f"POST / HTTP/1.0\r\nHost: {self.service}\r\nAuthorization: Basic {auth}\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
        res = self.lab.exec(self.service, ["perl", "-e", _FROM_SOURCE, source, dest or source, str(HTTP_PORT)],
                            input=req.decode(), timeout=30)
        # exec output is text: line ends may arrive as \r\n or already as \n.
        head, _, text = res.stdout.replace("\r\n", "\n").partition("\n\n")
        m = re.match(r"HTTP/1\.[01] (\d{3})", head)
        if not res.ok or not m:
            why = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no answer"]
            return Reply(0, f"ClickHouse did not answer a client at {source} on port {HTTP_PORT} ({why[0][:200]})",
                         None)
        status = int(m.group(1))
        hc = re.search(r"^X-ClickHouse-Exception-Code: *(\d+)", head, re.M | re.I)
        code = hc.group(1) if hc else None
        if code is None and (status != 200 or text.startswith("Code: ")):
            mc = _CODE.search(text)
            code = mc.group(1) if mc else ("0" if status != 200 else None)
        return Reply(status, text, int(code) if code is not None else None)

    def probe_insert(self, user: str, password: str, database: str, table: str) -> Reply:
        """An INSERT with no rows: refused where the user may not write, a no-op where it may."""
        rep = self.query(f"INSERT INTO {ident(database)}.{ident(table)} FORMAT TabSeparated", user, password, data="")
        if rep.code == NO_DATA_TO_INSERT:  # some servers refuse an empty INSERT only after the rights check
            return Reply(200, "", None)
        return rep

    def probe_create(self, user: str, password: str, database: str) -> Reply:
        """CREATE TABLE ... AS a table that does not exist: the server checks the user's rights first,
        so 'table doesn't exist' (code 60) means the CREATE would be allowed, and nothing is created."""
        tag = uuid.uuid4().hex[:12]
        db = ident(database)
        rep = self.query(f"CREATE TABLE {db}.altlab_probe_{tag} AS {db}.altlab_absent_{tag}", user, password)
        if rep.code == UNKNOWN_TABLE:
            return Reply(200, "allowed (probe table does not exist)", None)
        return rep

    # --- files: detached parts and FREEZE copies ---------------------------------------------------

    def detached_parts(self, database: str, table: str) -> list[str]:
        """Names in the table's detached/ folder (data/<db>/<table> is the table's folder or a link to it)."""
        __tracebackhide__ = True
        path = f"{DATA_DIR}/data/{database}/{table}/detached"
        res = self.lab.exec(self.service, ["sh", "-c", 'test -d "$1" || exit 0; ls -1A "$1"', "sh", path], timeout=60)
        if not res.ok:
            raise AssertionError(f"could not list {path}: {(res.stderr or res.stdout).strip()[:200]}")
        return [x for x in res.stdout.splitlines() if x.strip()]

    def shadow_parts(self, name: str) -> list[ShadowPart] | None:
        """Parts in the FREEZE copy /var/lib/clickhouse/shadow/<name>, or None if it does not exist.

        The layout below the name differs (18.16: data/<db>/<table>/<part>; Atomic databases:
        store/<xxx>/<uuid>/<part>): every folder holding a count.txt is a part."""
        __tracebackhide__ = True
        script = ('d="$1"; [ -d "$d" ] || { echo NO-SHADOW; exit 0; }; '
                  'find "$d" -name count.txt -type f | while read -r f; do '
                  'printf "%s\\t%s\\n" "$(basename "$(dirname "$f")")" "$(cat "$f")"; done')
        path = f"{DATA_DIR}/shadow/{name}"
        res = self.lab.exec(self.service, ["sh", "-c", script, "sh", path], timeout=60)
        if not res.ok:
            raise AssertionError(f"could not read {path}: {(res.stderr or res.stdout).strip()[:200]}")
        if res.stdout.strip() == "NO-SHADOW":
            return None
        out = []
        for line in res.stdout.splitlines():
            part, _, rows = line.partition("\t")
            out.append(ShadowPart(part.split("_", 1)[0], part, int(rows.strip() or 0)))
        return out
