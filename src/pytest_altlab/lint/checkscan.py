"""Read a lab's checks without importing them: each check's id, line and markers, parsed with `ast`."""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CheckInfo", "Problem", "check_files", "finite", "scan_checks"]


@dataclass(frozen=True)
class Problem:
    """A check file lint cannot read, or a marker whose arguments it cannot take."""

    file: Path
    line: int
    value: str
    message: str
    hint: str
    unreadable: bool = False  # the whole file: its checks are unknown


@dataclass
class CheckInfo:
    id: str  # the function name: what must_fail, hidden and depends name
    file: Path
    line: int
    points: float | None = None  # None: no readable points marker
    points_src: str = ""  # the marker's argument as written, for messages
    covers: set[int] = field(default_factory=set)
    depends: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # marker name -> its line, for messages


def check_files(checks_dir: Path) -> list[Path]:
    """The files pytest collects in a checks folder (its default `test_*.py` / `*_test.py`)."""
    found = set(checks_dir.rglob("test_*.py")) | set(checks_dir.rglob("*_test.py")) if checks_dir.is_dir() else set()
    return sorted(found)


def _mark(node: ast.expr) -> tuple[str, list[ast.expr]] | None:
    """`@pytest.mark.NAME(args)` / `@mark.NAME` -> (NAME, args)."""
    call = node if isinstance(node, ast.Call) else None
    target = call.func if call else node
    if isinstance(target, ast.Attribute):
        owner = target.value
        if (isinstance(owner, ast.Attribute) and owner.attr == "mark") or (isinstance(owner, ast.Name)
                                                                            and owner.id == "mark"):
            return target.attr, list(call.args) if call else []
    return None


def _number(node: ast.expr) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _number(node.operand)
        return None if inner is None else -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    return None


class _Scan:
    def __init__(self, file: Path) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def apply(self, check: CheckInfo, marks: list[ast.expr]) -> None:
        for node in marks:
            got = _mark(node)
            if got is None:
                continue
            name, args = got
            line = check.lines[name] = getattr(node, "lineno", check.line)
            if name == "points":
                src = ast.unparse(args[0]) if args else ""
                check.points, check.points_src = (_number(args[0]) if args else None), src
                if check.points is None:
                    self.problems.append(Problem(self.file, line, f"{check.id}: points({src})",
                                                 "the points are not a literal number",
                                                 "write @pytest.mark.points(2): lint, `altlab list` and reports "
                                                 "read it without running the check"))
            elif name == "covers":
                for a in args:
                    n = _number(a)
                    if n is None or n != int(n) or isinstance(getattr(a, "value", None), float):
                        self.problems.append(Problem(self.file, line, f"{check.id}: covers({ast.unparse(a)})",
                                                     "a covers argument is not a step number",
                                                     "name TASK.md's top-level steps by number: covers(1, 3)"))
                    else:
                        check.covers.add(int(n))
            elif name == "depends":
                check.depends += [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def _marks_of(value: ast.expr) -> list[ast.expr]:
    return list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else [value]


def scan_checks(checks_dir: Path) -> tuple[list[CheckInfo], list[Problem]]:
    """Every check (top-level `test*` functions and `test*` methods of `Test*` classes) with its markers."""
    checks: list[CheckInfo] = []
    problems: list[Problem] = []
    for file in check_files(checks_dir):
        scan = _Scan(file)
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        except SyntaxError as e:
            problems.append(Problem(file, e.lineno or 0, (e.text or "").strip()[:80], f"not valid Python: {e.msg}",
                                    "fix the syntax; pytest could not collect this file either", True))
            continue
        except (OSError, UnicodeDecodeError, ValueError) as e:
            problems.append(Problem(file, 0, file.name, f"cannot be read: {e}", "a UTF-8 Python file", True))
            continue
        module_marks: list[ast.expr] = []
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                    for t in node.targets):
                module_marks += _marks_of(node.value)
        for node in tree.body:
            units: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, list[ast.expr]]] = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                units.append((node, []))
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                cls_marks = list(node.decorator_list)
                for sub in node.body:
                    if isinstance(sub, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                           for t in sub.targets):
                        cls_marks += _marks_of(sub.value)
                units += [(f, cls_marks) for f in node.body
                          if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name.startswith("test")]
            for fn, outer in units:
                check = CheckInfo(fn.name, file, fn.lineno)
                # Later ones win: pytest takes the closest marker, the function's own (its lowest decorator) first.
                scan.apply(check, [*module_marks, *outer, *fn.decorator_list])
                checks.append(check)
        problems += scan.problems
    return checks, problems


def finite(points: float | None) -> bool:
    return points is not None and math.isfinite(points) and points >= 0
