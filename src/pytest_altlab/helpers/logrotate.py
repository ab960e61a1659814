"""logrotate's own account of a log: `logrotate -d` (debug: changes nothing) parsed per log file."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Rotation", "parse_debug"]


@dataclass(frozen=True)
class Rotation:
    """What logrotate's configuration does with one log file, as its debug run tells it."""

    pattern: str  # the 'rotating pattern:' line: criteria (size in bytes, daily ...) and the rotations kept
    text: str  # the whole block of the debug output about this log

    @property
    def size_limit(self) -> int | None:
        """The size that triggers a rotation (size / maxsize), in bytes; None when only time triggers it."""
        # `size N`: "N bytes"; `maxsize N` next to a time rule: "log files >= N are rotated earlier".
        m = re.search(r"(\d+) bytes|log files >= (\d+) are rotated earlier", self.pattern)
        return int(m.group(1) or m.group(2)) if m else None

    @property
    def kept(self) -> int | None:
        m = re.search(r"\((\d+) rotations\)", self.pattern)
        return int(m.group(1)) if m else None

    def copies_then_truncates(self, log: str) -> bool:
        """copytruncate: the file is copied and emptied in place, so the writer's open file stays the log."""
        return f"copying {log} to " in self.text and f"truncating {log}" in self.text

    @property
    def compresses(self) -> bool:
        return "compressing log with" in self.text


def parse_debug(text: str) -> dict[str, Rotation]:
    """`logrotate -d [-f] CONFIG` output -> {log file: Rotation} for every log it considered."""
    out: dict[str, Rotation] = {}
    pattern = ""
    current: str | None = None
    lines: list[str] = []

    def close() -> None:
        if current is not None:
            out[current] = Rotation(pattern=pattern, text="\n".join(lines))

    for line in text.splitlines():
        if line.startswith("rotating pattern:"):
            close()
            pattern, current, lines = line, None, [line]
            continue
        m = re.match(r"^considering log (\S+)", line)
        if m:
            close()
            current, lines = m.group(1), [pattern, line]
            continue
        lines.append(line)
    close()
    return out
