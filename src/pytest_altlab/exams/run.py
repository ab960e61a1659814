"""One exam's state on this host: run.json (locked across processes), its key, its candidates' bundles."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..catalog import Catalog
from ..errors import AltlabError
from ..lab import LabRunner
from ..paths import private_dir, state_home, write_private
from .manifest import ExamManifest, candidate_instance
from .signing import generate_keypair

__all__ = ["ExamRun", "now"]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ExamRun:
    """The state of one exam on this host: ALTLAB_HOME/exams/<id>/ (run.json, key, bundles, room files)."""

    def __init__(self, exam: ExamManifest, catalog: Catalog | None = None) -> None:
        self.exam = exam
        self.catalog = catalog or Catalog()
        self.dir = state_home() / "exams" / exam.id
        self.file = self.dir / "run.json"

    # --- state, locked across processes (the proctor loop and the CLI may write at once) --------------

    @contextmanager
    def locked(self) -> Iterator[dict[str, Any]]:
        private_dir(self.dir)
        with open(self.dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self.load()
            yield data
            write_private(self.file, json.dumps(data, indent=2, sort_keys=True))  # the seed derives passwords

    def load(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self.file.read_text())
            return data
        except FileNotFoundError:
            return {}

    def require(self) -> dict[str, Any]:
        data = self.load()
        if not data:
            raise AltlabError(f"exam '{self.exam.id}' has not been started on this host",
                              hint=f"altlab exam start {self.exam.id} --candidates a,b,c")
        return data

    def key(self) -> bytes:
        return (self.dir / "key").read_bytes()

    @property
    def private_key_file(self) -> Path:
        return self.dir / "signing-key.pem"

    @property
    def public_key_file(self) -> Path:
        return self.dir / "public.pem"

    def ensure_keypair(self) -> None:
        """The run's Ed25519 pair (made at start; a run begun by an older version gets one at first grading)."""
        with open(self.dir / ".keylock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self.private_key_file.exists():
                generate_keypair(self.private_key_file, self.public_key_file)

    def begin(self, seed: str | None, minutes: float | None, flavour: str) -> dict[str, Any]:
        """Create the run (seed, HMAC key, deadline) once; later starts add candidates to it."""
        with self.locked() as data:
            if not data:
                start = now()
                limit = minutes if minutes is not None else self.exam.time_limit
                data.update({
                    "exam": self.exam.id, "exam_version": self.exam.version, "run_id": secrets.token_hex(6),
                    "exam_file": str(self.exam.file.resolve()),  # which checks are hidden (grading/examview.py)
                    "seed": seed or secrets.token_hex(16), "flavour": flavour,
                    "started_at": start.isoformat(timespec="seconds"),
                    "deadline": (start + dt.timedelta(minutes=limit)).isoformat(timespec="seconds"),
                    "candidates": {}, "final_graded": False,
                })
                key = self.dir / "key"
                key.write_bytes(secrets.token_bytes(32))
                os.chmod(key, 0o600)  # the exam's secret: only the proctor reads it
        self.ensure_keypair()  # bundles are signed with it: anyone verifies them with public.pem alone
        return dict(data)

    def set_candidate(self, cid: str, **fields: Any) -> None:
        with self.locked() as data:
            data.setdefault("candidates", {}).setdefault(cid, {}).update(fields)

    def deadline(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.require()["deadline"])

    def seconds_left(self) -> float:
        return (self.deadline() - now()).total_seconds()

    def known(self, cids: list[str]) -> list[str]:
        """`cids`, each checked to be a candidate of this run (never a bundle or a run.json for a ghost)."""
        have = self.require().get("candidates", {})
        ghosts = [c for c in cids if c not in have]
        if ghosts:
            raise AltlabError(f"not a candidate of exam '{self.exam.id}': {', '.join(ghosts)}",
                              hint="candidates: " + (", ".join(sorted(have)) or "none yet"))
        return cids

    def instance_of(self, cid: str) -> str:
        return candidate_instance(self.exam.id, cid)

    def runners(self, cid: str) -> list[LabRunner]:
        inst = self.instance_of(cid)
        return [LabRunner(self.catalog.get(x.lab), inst) for x in self.exam.labs]

    def bundles(self, cid: str) -> list[Path]:
        base = self.dir / "reports" / cid
        return sorted(base.glob("attempt-*"), key=lambda p: int(p.name.split("-")[1])) if base.is_dir() else []
