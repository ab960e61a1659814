"""Field-by-field validation of a YAML document: every error names the file, the field, the value, the hint."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from .errors import ManifestError

__all__ = ["Fields"]


class Fields:
    """Field validator bound to one file, so every error carries the file name."""

    def __init__(self, file: Path) -> None:
        self.file = str(file)

    def fail(self, fld: str, value: object, expected: str) -> ManifestError:
        return ManifestError(self.file, fld, value, expected)

    def str_(self, data: dict[str, Any], key: str, fld: str, *, default: str | None = None,
             pattern: re.Pattern[str] | None = None, expected: str = "a non-empty string") -> str:
        if key not in data:
            if default is not None:
                return default
            raise self.fail(fld, None, expected + " (the field is required)")
        v = data[key]
        if not isinstance(v, str) or not v.strip() or (pattern and not pattern.match(v)):
            raise self.fail(fld, v, expected)
        return v

    def num(self, data: dict[str, Any], key: str, fld: str, lo: float, hi: float, default: float) -> float:
        v = data.get(key, default)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            raise self.fail(fld, v, f"a number from {lo:g} to {hi:g}")
        return float(v)

    def mapping(self, v: object, fld: str, known: set[str] | None = None) -> dict[str, Any]:
        if not isinstance(v, dict):
            raise self.fail(fld, v, "a mapping (key: value)")
        for key in sorted(set(v) - (known or set(v)), key=str):  # a misspelt key would be silently ignored
            assert known is not None
            close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
            mean = f" (did you mean '{close[0]}'?)" if close else ""
            where = str(key) if fld.startswith("(") else f"{fld}.{key}"
            raise self.fail(where, v[key], f"a known field{mean}: " + ", ".join(sorted(known)))
        return v

    def str_list(self, v: object, fld: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            raise self.fail(fld, v, "a list of strings")
        if allowed:
            for i, x in enumerate(v):
                if x not in allowed:
                    raise self.fail(f"{fld}[{i}]", x, "one of " + ", ".join(allowed))
        return tuple(v)
