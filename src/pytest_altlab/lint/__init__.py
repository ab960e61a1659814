"""`altlab lint`: where a lab's grading is weak, read from its files alone (no Docker, checks never imported)."""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import ManifestError
from .checkscan import CheckInfo, finite, scan_checks
from .compose import service_issues, volume_issues
from .taskdoc import PLACEHOLDER, parse_task

__all__ = ["Finding", "lint_compose_file", "lint_exam", "lint_lab"]

_ENV_USE = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)")


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning
    file: str
    where: str  # a field path, or "line N"
    value: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.where}: {self.severity}: {self.value}: {self.message}" + (
            f" (hint: {self.hint})" if self.hint else "")


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def _load_yaml(file: Path) -> tuple[Any, Finding | None]:
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return None, Finding("error", _show(file), "(file)", file.name, "is missing", "every lab folder has one")
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(yaml)"
        return None, Finding("error", _show(file), where, "(yaml)", f"not valid YAML: {getattr(e, 'problem', e)}")


def _from_manifest_error(e: ManifestError) -> Finding:
    return Finding("error", _show(Path(e.file)), e.field, repr(e.value), "is not valid", f"expected {e.expected}")


class _LabLint:
    def __init__(self, lab_dir: Path) -> None:
        self.dir = lab_dir
        self.yaml = lab_dir / "lab.yaml"
        self.out: list[Finding] = []

    def add(self, file: Path, where: str, value: object, message: str, hint: str = "", severity: str = "error") -> None:
        self.out.append(Finding(severity, _show(file), where, str(value), message, hint))

    def run(self) -> list[Finding]:
        from ..manifest import load_manifest

        raw, bad = _load_yaml(self.yaml)
        if bad:
            self.out.append(bad)
        loaded: ManifestError | None = None
        try:
            load_manifest(self.dir)
        except ManifestError as e:
            loaded = None if bad else e
        data = raw if isinstance(raw, dict) else {}
        checks, problems = scan_checks(self.dir / "checks")
        for p in problems:
            self.add(p.file, f"line {p.line}", p.value, p.message, p.hint)
        if not checks and not problems:
            self.add(self.dir / "checks", "(folder)", "checks/test_*.py", "the lab has no checks",
                     "write pytest checks with @pytest.mark.points(n)")
        self.points(checks)
        # A check file that cannot be read hides its checks: rules about what no check does would only mislead.
        complete = not any(p.unreadable for p in problems)
        self.coverage(checks, complete)
        self.names(data, checks, complete)
        if bad is None:  # without a readable lab.yaml, what it declares is unknown
            self.parameters(data)
            self.services(data)
        # Loading stops at its first error, which these rules have usually named more precisely already
        # (points, must_fail, a check file): only what they did not see is added.
        if loaded is not None and not any(f.severity == "error" for f in self.out):
            self.out.append(_from_manifest_error(loaded))
        return self.out

    def points(self, checks: list[CheckInfo]) -> None:
        for c in checks:
            if c.points is None and not c.points_src:
                self.add(c.file, f"line {c.line}", c.id, "has no @pytest.mark.points(n)",
                         "every check is worth a finite number of points >= 0")
            elif c.points is not None and not finite(c.points):
                self.add(c.file, f"line {c.lines.get('points', c.line)}", f"{c.id}: points({c.points_src})",
                         "points must be a finite number >= 0", "e.g. @pytest.mark.points(2)")

    def coverage(self, checks: list[CheckInfo], complete: bool) -> None:
        task = self.dir / "TASK.md"
        try:
            text = task.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self.add(task, "(file)", task.name, f"cannot be read ({type(e).__name__})", "every lab has a TASK.md")
            return
        doc = parse_task(text)
        lines = text.splitlines()
        n = len(doc.steps)
        span = f"TASK.md has steps 1-{n}" if n else "TASK.md has no numbered steps (`1. ...` at column 0)"
        covered: set[int] = set()
        for c in checks:
            covered |= c.covers
            for k in sorted(c.covers):
                if not 1 <= k <= n:
                    self.add(c.file, f"line {c.lines.get('covers', c.line)}", f"{c.id}: covers({k})",
                             f"step {k} does not exist", span)
            if not c.covers:
                self.add(c.file, f"line {c.line}", c.id, "covers no step of TASK.md",
                         f"add @pytest.mark.covers(N, ...) naming the steps it grades; {span}")
        for s in doc.steps:
            if s.number not in covered and complete:
                first = lines[s.line - 1].strip()
                self.add(task, f"line {s.line}", f"step {s.number}: {first[:60] + ('...' if len(first) > 60 else '')}",
                         "no check covers this step", f"mark the checks that grade it @pytest.mark.covers({s.number})")
            if s.written != s.number:
                self.add(task, f"line {s.line}", f"{s.written}.", f"is step {s.number} (steps count from 1 in order)",
                         f"number it {s.number}.: covers() names steps by position", severity="warning")
        for b in doc.bolds:
            if b.step is None and re.fullmatch(r"`[^`]+`", b.text.strip()):
                continue  # a bold name (**`{{ vhost }}`**) introduces a thing; it is not a requirement
            if b.step is None:  # emphasis in the story (a symptom, a port): a requirement belongs in a step
                self.add(task, f"line {b.line}", f"**{b.text}**", "bold text outside the numbered steps",
                         "if it is a requirement, put it into a numbered step (no check can cover it there)",
                         severity="warning")
            elif b.step not in covered and complete:
                self.add(task, f"line {b.line}", f"**{b.text}**", f"bold requirement in step {b.step}, "
                         "which no check covers", f"mark a check that grades it @pytest.mark.covers({b.step})")

    def names(self, data: dict[str, Any], checks: list[CheckInfo], complete: bool) -> None:
        ids = sorted({c.id for c in checks})
        seen: dict[str, CheckInfo] = {}
        for c in checks:
            if c.id in seen and seen[c.id].file != c.file:
                self.add(c.file, f"line {c.line}", c.id, f"the same check id is also in {seen[c.id].file.name}",
                         "must_fail, hidden and depends cannot tell them apart: rename one", severity="warning")
            seen.setdefault(c.id, c)
            for dep in c.depends:
                if not _is_check(dep, ids):
                    self.add(c.file, f"line {c.lines.get('depends', c.line)}", f"{c.id}: depends({dep!r})",
                             "names no check of this lab",
                             _mean(dep, ids) + "a blocked check would never run")
        if complete:
            from .hints import hint_findings

            task = self.dir / "TASK.md"
            text = task.read_text(encoding="utf-8", errors="replace") if task.is_file() else ""
            for where, value, message, hint, severity in hint_findings(data, text, ids):
                self.add(self.yaml, where, value, message, hint, severity=severity)
        variants = data.get("variants")
        for i, v in enumerate(variants if isinstance(variants, list) else []):
            must = v.get("must_fail") if isinstance(v, dict) else None
            for j, cid in enumerate([must] if isinstance(must, str) else must if isinstance(must, list) else []):
                if complete and not _is_check(str(cid), ids):
                    self.add(self.yaml, f"variants[{i}].must_fail[{j}]", cid, "names no check of this lab",
                             _mean(str(cid), ids) + "verify would pass this near-miss without testing it")

    def parameters(self, data: dict[str, Any]) -> None:
        params = data.get("parameters")
        declared = [str(k) for k in params] if isinstance(params, dict) else []
        known = sorted({*declared, "workspace"})
        used: set[str] = set()
        for name in ("TASK.md", "SOLUTION.md"):
            f = self.dir / name
            text = f.read_text(encoding="utf-8", errors="replace") if f.is_file() else ""
            for lineno, line in enumerate(text.splitlines(), 1):
                for m in PLACEHOLDER.finditer(line):
                    used.add(m.group(1))
                    if m.group(1) not in known:
                        self.add(f, f"line {lineno}", m.group(0), "names no parameter of lab.yaml",
                                 _mean(m.group(1), known) + "declared: " + ", ".join(known))
        used |= _code_uses(self.dir)
        for p in declared:
            if p not in used:
                self.add(self.yaml, f"parameters.{p}", p, "is declared but used nowhere (TASK.md, SOLUTION.md, "
                         "checks, steps)", "use it, or remove it", severity="warning")

    def services(self, data: dict[str, Any]) -> None:
        from ..paths import compose_dir

        services = data.get("services")
        own = self.dir / "compose"
        known = sorted({p.stem for d in (own, compose_dir()) if d.is_dir() for p in d.glob("*.yaml")})
        for name, spec in (services.items() if isinstance(services, dict) else []):
            spec = spec if isinstance(spec, dict) else {}
            use = str(spec.get("use", name))
            file = own / f"{use}.yaml" if (own / f"{use}.yaml").is_file() else compose_dir() / f"{use}.yaml"
            if not file.is_file():
                self.add(self.yaml, f"services.{name}.use", use, "names no compose/<name>.yaml",
                         _mean(use, known) + "known: " + ", ".join(known))
            else:
                self.out += lint_compose_file(file, self.dir if file.parent == own else None)
            for fld, value, msg, hint in service_issues(spec.get("compose"), f"services.{name}.compose", self.dir):
                self.add(self.yaml, fld, value, msg, hint)


def _is_check(name: str, ids: list[str]) -> bool:
    return name in ids or name.split("[", 1)[0] in ids  # a parametrized check's id is name[params]


def _code_uses(lab_dir: Path) -> set[str]:
    """Names a lab's code may use a parameter by: attributes and strings in .py, $UPPER variables in .sh."""
    out: set[str] = set()
    for f in sorted(lab_dir.rglob("*")):
        if f.suffix not in (".py", ".sh") or not f.is_file() or "__pycache__" in f.parts:
            continue
        text = f.read_text(encoding="utf-8", errors="replace")
        if f.suffix == ".sh":
            out |= {m.group(1).lower() for m in _ENV_USE.finditer(text)}
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue  # reported for checks; a broken step fails on its first run
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                out.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 64:
                out |= {node.value, node.value.lower()}
    return out


def lint_compose_file(file: Path, lab_dir: Path | None = None) -> list[Finding]:
    """A service file compose/<name>.yaml: nothing in it may escape the lab's containers."""
    raw, bad = _load_yaml(file)
    if bad:
        return [bad]
    data = raw if isinstance(raw, dict) else {}
    out = []
    services = data.get("services")
    for name, svc in (services.items() if isinstance(services, dict) else []):
        out += [Finding("error", _show(file), f, v, m, h) for f, v, m, h in service_issues(svc, f"services.{name}",
                                                                                             lab_dir)]
    out += [Finding("error", _show(file), f, v, m, h) for f, v, m, h in volume_issues(data.get("volumes"))]
    return out


def lint_lab(lab_dir: Path) -> list[Finding]:
    return _LabLint(lab_dir).run()


def lint_exam(ref: str, catalog: Any = None) -> list[Finding]:
    """An exam.yaml: valid, and its `hidden` lists name checks its labs have (a typo hides nothing)."""
    from ..catalog import Catalog
    from ..exams.manifest import find_exam

    cat = catalog or Catalog()
    try:
        exam = find_exam(ref, cat)
    except ManifestError as e:
        return [_from_manifest_error(e)]
    out = []
    raw, _ = _load_yaml(exam.file)
    for i, item in enumerate(raw.get("labs", []) if isinstance(raw, dict) else []):
        for key in sorted(set(item) - {"lab", "weight", "hidden"} if isinstance(item, dict) else (), key=str):
            out.append(Finding("error", _show(exam.file), f"labs[{i}].{key}", str(key), "is not a field of an exam lab",
                               _mean(str(key), ["hidden", "lab", "weight"]) + "known: lab, weight, hidden"))
    for i, x in enumerate(exam.labs):
        checks, _ = scan_checks(cat.folder(x.lab) / "checks")
        ids = sorted({c.id for c in checks})
        for j, cid in enumerate(x.hidden):
            if not _is_check(cid, ids):
                out.append(Finding("error", _show(exam.file), f"labs[{i}].hidden[{j}]", cid,
                                   f"names no check of lab {x.lab}", _mean(cid, ids) + "the check would not be hidden"))
    return out
