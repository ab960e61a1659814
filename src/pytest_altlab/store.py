"""Durable results in SQLite: grading attempts, the hint ledger, solution views (one file per ALTLAB_HOME)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import AltlabError
from .paths import private_dir, state_home

__all__ = ["Store", "Attempt", "HintUse"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  lab TEXT NOT NULL, instance TEXT NOT NULL, run TEXT NOT NULL,   -- run: the instance's started_at
  graded_at TEXT NOT NULL, score REAL, max_score REAL, percent REAL, passed INTEGER,
  hint_penalty REAL DEFAULT 0, persistence INTEGER, skills TEXT, report TEXT
);
CREATE TABLE IF NOT EXISTS hints (
  lab TEXT NOT NULL, instance TEXT NOT NULL, run TEXT NOT NULL,
  idx INTEGER NOT NULL, cost REAL NOT NULL, shown_at TEXT NOT NULL,
  PRIMARY KEY (lab, instance, run, idx)
);
CREATE TABLE IF NOT EXISTS exam_attempts (
  exam TEXT NOT NULL, run_id TEXT NOT NULL, candidate TEXT NOT NULL, attempt INTEGER NOT NULL,
  graded_at TEXT NOT NULL, percent REAL, passed INTEGER, final INTEGER, after_deadline INTEGER, bundle TEXT,
  PRIMARY KEY (exam, run_id, candidate, attempt)
);
CREATE TABLE IF NOT EXISTS verify_runs (
  lab TEXT NOT NULL, flavour TEXT NOT NULL, ok INTEGER NOT NULL, at TEXT NOT NULL, seconds REAL
);
CREATE TABLE IF NOT EXISTS solution_views (
  lab TEXT NOT NULL, instance TEXT NOT NULL, run TEXT, viewed_at TEXT NOT NULL, before_pass INTEGER NOT NULL
);
"""


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Attempt:
    lab: str
    instance: str
    run: str
    graded_at: str
    score: float
    max_score: float
    percent: float
    passed: bool
    hint_penalty: float
    skills: tuple[str, ...]


@dataclass(frozen=True)
class HintUse:
    idx: int
    cost: float
    shown_at: str


class Store:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_home() / "altlab.sqlite3"

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        private_dir(self.path.parent)
        # WAL + a busy timeout: several graders (a proctor's parallel runs) can write at once.
        try:
            con = sqlite3.connect(self.path, timeout=30)
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(SCHEMA)
        except sqlite3.Error as e:  # a read-only or odd state folder (/proc): the user's to fix, said in one line
            raise AltlabError(f"the progress store {self.path} cannot be used: {e}",
                              hint="set ALTLAB_HOME to a folder you can write") from None
        try:
            with con:  # one transaction: committed whole or not at all
                yield con
        finally:
            con.close()

    # --- attempts (append-only: re-grading adds an attempt, never overwrites) ----------------------

    def add_attempt(self, lab: str, instance: str, run: str, report: dict[str, Any], skills: tuple[str, ...]) -> None:
        with self._db() as con:
            con.execute(
                "INSERT INTO attempts (lab, instance, run, graded_at, score, max_score, percent, passed, hint_penalty,"
                " persistence, skills, report) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (lab, instance, run, report.get("finished_at") or now(), report.get("score"), report.get("max_score"),
                 report.get("percent"), int(bool(report.get("passed"))), report.get("hint_penalty", 0),
                 int(bool(report.get("persistence", {}).get("ran"))), ",".join(skills), json.dumps(report)))

    def attempts(self, lab: str | None = None) -> list[Attempt]:
        q = ("SELECT lab, instance, run, graded_at, score, max_score, percent, passed, hint_penalty, skills "
             "FROM attempts")
        args: tuple[Any, ...] = ()
        if lab:
            q, args = q + " WHERE lab = ?", (lab,)
        with self._db() as con:
            rows = con.execute(q + " ORDER BY id", args).fetchall()
        return [Attempt(r[0], r[1], r[2], r[3], r[4] or 0, r[5] or 0, r[6] or 0, bool(r[7]), r[8] or 0,
                        tuple(s for s in (r[9] or "").split(",") if s)) for r in rows]

    def has_passed(self, lab: str, instance: str | None = None) -> bool:
        return any(a.passed and (instance is None or a.instance == instance) for a in self.attempts(lab))

    # --- exam attempts (append-only: a re-grade adds an attempt) ---------------------------------------

    def add_exam_attempt(self, exam: str, run_id: str, candidate: str, attempt: int, doc: dict[str, Any],
                         final: bool, bundle: str) -> None:
        with self._db() as con:
            con.execute("INSERT INTO exam_attempts VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (exam, run_id, candidate, attempt, doc.get("finished_at") or now(), doc.get("percent"),
                         int(bool(doc.get("passed"))), int(final), int(bool(doc.get("after_deadline"))), bundle))

    def exam_attempts(self, exam: str) -> list[dict[str, Any]]:
        with self._db() as con:
            con.row_factory = sqlite3.Row
            rows = con.execute("SELECT * FROM exam_attempts WHERE exam=? ORDER BY candidate, attempt",
                               (exam,)).fetchall()
        return [dict(r) for r in rows]

    # --- hints -------------------------------------------------------------------------------------

    def hints_used(self, lab: str, instance: str, run: str) -> list[HintUse]:
        with self._db() as con:
            rows = con.execute("SELECT idx, cost, shown_at FROM hints WHERE lab=? AND instance=? AND run=? "
                               "ORDER BY idx", (lab, instance, run)).fetchall()
        return [HintUse(int(r[0]), float(r[1]), str(r[2])) for r in rows]

    def record_hint(self, lab: str, instance: str, run: str, idx: int, cost: float) -> None:
        with self._db() as con:
            con.execute("INSERT OR IGNORE INTO hints VALUES (?,?,?,?,?,?)", (lab, instance, run, idx, cost, now()))

    # --- self-tests (`altlab verify`) on this machine ------------------------------------------------

    def add_verify_run(self, lab: str, flavour: str, ok: bool, seconds: float) -> None:
        with self._db() as con:
            con.execute("INSERT INTO verify_runs VALUES (?,?,?,?,?)", (lab, flavour, int(ok), now(), seconds))

    def last_verify(self, lab: str) -> dict[str, tuple[bool, str, float]]:
        """flavour -> (ok, when, seconds) of the latest self-test of the lab here."""
        with self._db() as con:
            rows = con.execute("SELECT flavour, ok, at, seconds FROM verify_runs WHERE lab=? ORDER BY at",
                               (lab,)).fetchall()
        return {str(r[0]): (bool(r[1]), str(r[2]), float(r[3] or 0)) for r in rows}

    # --- solution views ----------------------------------------------------------------------------

    def record_solution_view(self, lab: str, instance: str, run: str | None, before_pass: bool) -> None:
        with self._db() as con:
            con.execute("INSERT INTO solution_views VALUES (?,?,?,?,?)", (lab, instance, run, now(), int(before_pass)))

    def solution_views(self, lab: str) -> list[tuple[str, bool]]:
        with self._db() as con:
            rows = con.execute("SELECT viewed_at, before_pass FROM solution_views WHERE lab=? ORDER BY viewed_at",
                               (lab,)).fetchall()
        return [(str(r[0]), bool(r[1])) for r in rows]
