"""Strict reading of lab and exam files: YAML without duplicate keys, known fields only, a lab's check ids
(read with `ast`, never imported), and step paths that stay inside the lab folder."""

from __future__ import annotations

import ast
import difflib
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from .errors import ManifestError

__all__ = ["Fields", "StrictLoader", "check_keys", "lab_check_ids", "read_yaml", "step_inside"]

MAX_DEPTH = 50  # lab and exam files nest a few levels; thousands of levels are a mistake (or an attack)
Fail = Callable[[str, object, str], ManifestError]


class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that refuses a key given twice in one mapping (PyYAML silently keeps the last). On libyaml's
    parser where PyYAML has it (its wheels do): every command and grading reads lab.yaml, ~5x faster."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # the base class reports an unhashable key
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice (first on line {seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def read_yaml(file: Path, fail: Fail) -> Any:
    """The file's YAML; every way it can be unreadable is a ManifestError naming the file."""
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise fail("(file)", str(file), "an existing file") from None
    except OSError as e:
        raise fail("(file)", str(file), f"a readable file ({e.strerror or e})") from None
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("(encoding)", "binary data", "a UTF-8 text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        raise fail("(encoding)", f"byte {e.start}", "UTF-8 text" + (" (this file is UTF-16: save it as UTF-8)"
                                                                    if utf16 else "")) from None
    try:
        data = yaml.load(text, Loader=StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise fail("(yaml)", where, f"valid YAML ({getattr(e, 'problem', None) or e})") from None
    except RecursionError:
        raise fail("(yaml)", "nesting", f"at most {MAX_DEPTH} levels of nesting") from None
    if _depth(data) > MAX_DEPTH:
        raise fail("(yaml)", "nesting", f"at most {MAX_DEPTH} levels of nesting")
    return data


def _depth(data: Any) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            break
        if isinstance(node, dict):
            stack += [(v, d + 1) for v in node.values()]
        elif isinstance(node, list):
            stack += [(v, d + 1) for v in node]
    return deepest


def check_keys(fail: Fail, mapping: dict[str, Any], allowed: Iterable[str], fld: str = "") -> None:
    """Refuse an unknown (often misspelt) key, naming the closest known one."""
    known = sorted(allowed)
    for key in mapping:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            guess = f"did you mean '{close[0]}'? " if close else ""
            raise fail(f"{fld}.{key}" if fld else str(key), mapping[key],
                       f"a known field ({guess}known: {', '.join(known)})")


def step_inside(lab_dir: Path, run: str, fail: Fail, fld: str) -> Path:
    """A step's script, which must be a file inside the lab folder (no '..', absolute path or link out)."""
    path = lab_dir / run
    try:
        inside = Path(run).is_absolute() is False and path.resolve().is_relative_to(lab_dir.resolve())
    except (OSError, RuntimeError):  # a link loop
        inside = False
    if not inside:
        raise fail(fld, run, f"a file inside the lab folder {lab_dir} (no '..', absolute paths or links out of it)")
    if not path.is_file():
        raise fail(fld, run, f"an existing file in {lab_dir}")
    return path


def lab_check_ids(checks_dir: Path, fail: Fail) -> frozenset[str]:
    """The check ids (test function names) of a lab's checks/test_*.py, found by reading, never importing."""
    if not checks_dir.is_dir():
        raise fail("checks/", str(checks_dir), "a checks/ folder with the lab's test_*.py files")
    files = sorted(checks_dir.glob("test_*.py"))
    if not files:
        raise fail("checks/", str(checks_dir), "at least one checks/test_*.py file")
    ids: set[str] = set()
    for f in [*files, *sorted(checks_dir.rglob("conftest.py"))]:
        tree = _parse(f, checks_dir, fail)
        if f.name == "conftest.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                ids.add(node.name)
                _check_points(node, f"checks/{f.name}: {node.name}", fail)
    return frozenset(ids)


def _parse(f: Path, checks_dir: Path, fail: Fail) -> ast.Module:
    where = f"checks/{f.relative_to(checks_dir)}"
    try:
        source = f.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise fail(where, f"byte {e.start}", "UTF-8 Python source") from None
    except OSError as e:
        raise fail(where, str(f), f"a readable file ({e.strerror or e})") from None
    try:
        return ast.parse(source, filename=str(f))
    except SyntaxError as e:
        raise fail(where, f"line {e.lineno}", f"valid Python ({e.msg})") from None
    except (RecursionError, MemoryError, ValueError) as e:
        raise fail(where, type(e).__name__, "Python source pytest can read") from None


def _check_points(fn: ast.FunctionDef | ast.AsyncFunctionDef, where: str, fail: Fail) -> None:
    for dec in fn.decorator_list:
        if isinstance(dec, ast.Call) and getattr(dec.func, "attr", "") == "points" and dec.args:
            try:
                value = ast.literal_eval(dec.args[0])
            except (ValueError, SyntaxError, TypeError):
                continue  # computed at import: the grader checks it when collecting
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value < 0:
                raise fail(f"{where} @pytest.mark.points", value, "a finite number of points >= 0")


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

    def bool_(self, data: dict[str, Any], key: str, fld: str, default: bool) -> bool:
        v = data.get(key, default)
        if not isinstance(v, bool):
            raise self.fail(fld, v, "true or false")
        return v

    def mapping(self, v: object, fld: str) -> dict[str, Any]:
        if not isinstance(v, dict):
            raise self.fail(fld, v, "a mapping (key: value)")
        return v

    def keys(self, data: dict[str, Any], allowed: Iterable[str], fld: str = "") -> dict[str, Any]:
        check_keys(self.fail, data, allowed, fld)
        return data

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
