"""Terminal sessions recorded as asciicast v2 files: a JSON header line, then [t, "o"|"i"|"r", data] events."""

from __future__ import annotations

import codecs
import json
import os
import threading
import time
from pathlib import Path

__all__ = ["CastWriter", "next_cast_path"]


def next_cast_path(folder: Path, lab: str, service: str) -> Path:
    """<folder>/<lab>-<service>-<n>.cast with the next free n (a reopened shell never overwrites a recording)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 1
    while (folder / f"{lab}-{service}-{n}.cast").exists():
        n += 1
    return folder / f"{lab}-{service}-{n}.cast"


class CastWriter:
    """Appends events as they happen and flushes each one: a crash of the portal loses at most one event."""

    def __init__(self, path: Path, cols: int, rows: int, title: str = "", env: dict[str, str] | None = None) -> None:
        self.path = path
        self.start = time.monotonic()
        # A multi-byte character may be split across two reads: decode each stream incrementally.
        self._dec = {k: codecs.getincrementaldecoder("utf-8")("replace") for k in "oi"}
        self._lock = threading.Lock()  # output comes from the reader thread, input from the event loop
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # evidence: never world-readable
        self._f = os.fdopen(fd, "w", encoding="utf-8")
        header = {"version": 2, "width": cols, "height": rows, "timestamp": int(time.time()),
                  "title": title, "env": env or {"TERM": "xterm-256color", "SHELL": "/bin/bash"}}
        self._write(json.dumps(header))

    def _write(self, line: str) -> None:
        with self._lock:
            if self._f.closed:
                return
            self._f.write(line + "\n")
            self._f.flush()

    def _event(self, kind: str, data: str) -> None:
        self._write(json.dumps([round(time.monotonic() - self.start, 6), kind, data]))

    def output(self, data: bytes) -> None:
        text = self._dec["o"].decode(data)
        if text:
            self._event("o", text)

    def input(self, data: bytes) -> None:
        text = self._dec["i"].decode(data)
        if text:
            self._event("i", text)

    def resize(self, cols: int, rows: int) -> None:
        self._event("r", f"{cols}x{rows}")

    def close(self) -> None:
        with self._lock:
            if not self._f.closed:
                self._f.close()
