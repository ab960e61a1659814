"""The check helpers' public API (read with `ast`, never imported) and one real use of each from the labs."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ApiEntry", "Use", "api_entries", "class_entries", "find_uses", "public_names"]

PKG = "pytest_altlab.helpers."
MAX_EXAMPLE = 110  # characters: an example is one line of a table
NOT_HELPERS = {"lab", "ctx", "self", "p", "params"}  # the LabContext and parameters, whose methods share names


@dataclass(frozen=True)
class ApiEntry:
    module: str  # helpers/<module>.py
    name: str  # `RabbitMQ`, `RabbitMQ.vhosts`, `parse_info`
    kind: str  # class | function | method | property
    signature: str
    summary: str  # the docstring's first line ("" where there is none)
    returns: str = ""  # the return annotation, which types what a call hands back

    @property
    def key(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True)
class Use:
    """One use of a helper in a lab's Python file: the line(s) that show it, whitespace folded."""

    key: str
    text: str
    lab: str
    rank: tuple[int, int, int, str, int]  # lower is a better example: typed, in checks/, short, file, line


def public_names(tree: ast.Module) -> list[str]:
    """Top-level functions and classes without a leading underscore (what a check may import)."""
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name[0] != "_"]


def _args(fn: ast.FunctionDef | ast.AsyncFunctionDef, drop_self: bool) -> str:
    text = ast.unparse(fn.args)
    if drop_self and fn.args.args and fn.args.args[0].arg in ("self", "cls"):
        first = ast.unparse(fn.args.args[0])
        text = text[len(first):].lstrip(", ")
    return text


def _summary(node: ast.AST) -> str:
    doc = ast.get_docstring(node) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
        else None
    if not doc:
        return ""
    # The first sentence-line; a docstring wrapped over lines keeps going until a blank line.
    para = doc.split("\n\n", 1)[0]
    return " ".join(para.split())


def _is_property(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(ast.unparse(d) in ("property", "functools.cached_property", "cached_property")
               for d in fn.decorator_list)


def class_entries(module: str, cls: ast.ClassDef) -> Iterator[ApiEntry]:
    init = next((m for m in cls.body if isinstance(m, ast.FunctionDef) and m.name == "__init__"), None)
    if init is not None:
        sig = _args(init, drop_self=True)
    else:  # a dataclass: its annotated fields are the constructor's parameters
        sig = ", ".join(ast.unparse(a.target) + ": " + ast.unparse(a.annotation)
                        + (" = " + ast.unparse(a.value) if a.value is not None else "")
                        for a in cls.body if isinstance(a, ast.AnnAssign))
    yield ApiEntry(module, cls.name, "class", f"{cls.name}({sig})", _summary(cls), returns=cls.name)
    for m in cls.body:
        if not isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) or m.name.startswith("_"):
            continue
        ret = ast.unparse(m.returns) if m.returns else ""
        if _is_property(m):
            yield ApiEntry(module, f"{cls.name}.{m.name}", "property", f"{m.name}" + (f" -> {ret}" if ret else ""),
                           _summary(m), returns=ret)
        elif not any(ast.unparse(d).endswith(".setter") for d in m.decorator_list):
            yield ApiEntry(module, f"{cls.name}.{m.name}", "method",
                           f"{m.name}({_args(m, drop_self=True)})" + (f" -> {ret}" if ret else ""), _summary(m),
                           returns=ret)


def api_entries(helpers_dir: Path) -> list[ApiEntry]:
    """Every public class (with its public methods and properties) and function of helpers/*.py."""
    out: list[ApiEntry] = []
    for f in sorted(helpers_dir.glob("*.py")):
        if f.name.startswith("_"):
            continue
        tree = ast.parse(f.read_text(encoding="utf-8"), filename=str(f))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                out.extend(class_entries(f.stem, node))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                ret = ast.unparse(node.returns) if node.returns else ""
                out.append(ApiEntry(f.stem, node.name, "function",
                                    f"{node.name}({_args(node, drop_self=False)})" + (f" -> {ret}" if ret else ""),
                                    _summary(node), returns=ret))
    return out


class _LabScan:
    """What one lab's Python files use of the helpers. Types are followed just far enough to tell whose
    method a call is: `x = RabbitMQ(lab)`, a fixture returning one, a method whose annotation names a class."""

    def __init__(self, entries: list[ApiEntry]) -> None:
        self.by_key = {e.key: e for e in entries}
        self.classes = {(e.module, e.name) for e in entries if e.kind == "class"}
        self.methods: dict[tuple[str, str], list[str]] = {}  # (module, attr) -> classes that have it
        for e in entries:
            if "." in e.name:
                cls, attr = e.name.split(".", 1)
                self.methods.setdefault((e.module, attr), []).append(cls)
        self.fixtures: dict[str, tuple[str, str]] = {}  # fixture or function name -> (module, class) it returns

    def _imports(self, tree: ast.Module) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
        names: dict[str, tuple[str, str]] = {}  # local name -> (module, helper name)
        modules: dict[str, str] = {}  # local alias -> module
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PKG):
                mod = (node.module or "")[len(PKG):]
                for a in node.names:
                    names[a.asname or a.name] = (mod, a.name)
            elif isinstance(node, ast.ImportFrom) and node.module == PKG.rstrip("."):
                for a in node.names:
                    modules[a.asname or a.name] = a.name
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith(PKG) and a.asname:
                        modules[a.asname] = a.name[len(PKG):]
        return names, modules

    def _class_in(self, module: str, annotation: str) -> tuple[str, str] | None:
        """The helper class an annotation names (`Login`, `list[Target]`, `Reply | None`), if any."""
        words = annotation.replace("[", " ").replace("]", " ").replace("|", " ").replace(",", " ").split()
        return next(((module, w) for w in words if (module, w) in self.classes), None)

    def types(self, tree: ast.Module, names: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
        """Local names bound to a helper class instance (flow-insensitive: a name means one thing per lab)."""
        typed = dict(self.fixtures)
        for _ in range(3):  # a few rounds, so `x = rmq.login(...)` follows `rmq = RabbitMQ(lab)`
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    ret = next((r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value), None)
                    t = self._type_of(ret, names, typed) if ret is not None else None
                    if t is None and node.returns is not None:
                        t = self._annotated(ast.unparse(node.returns), names)
                    if t is not None:
                        typed[node.name] = t
                        if any("fixture" in ast.unparse(d) for d in node.decorator_list):
                            self.fixtures[node.name] = t
                    for a in node.args.args:
                        if a.annotation is not None and (t2 := self._annotated(ast.unparse(a.annotation), names)):
                            typed[a.arg] = t2
                targets: list[tuple[ast.expr, ast.expr | None]] = []
                if isinstance(node, ast.Assign):
                    targets = [(t, node.value) for t in node.targets]
                elif isinstance(node, (ast.For, ast.comprehension)):
                    targets = [(node.target, node.iter)]
                elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                    targets = [(node.optional_vars, node.context_expr)]
                for target, value in targets:
                    if isinstance(target, ast.Name) and value is not None:
                        t = self._type_of(value, names, typed)
                        if t is not None:
                            typed[target.id] = t
        return typed

    def _annotated(self, annotation: str, names: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
        words = annotation.replace("[", " ").replace("]", " ").replace("|", " ").split()
        return next((names[w] for w in words if w in names and names[w] in self.classes), None)

    def _type_of(self, value: ast.expr, names: dict[str, tuple[str, str]],
                 typed: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
        if isinstance(value, ast.Name):
            return typed.get(value.id)
        if isinstance(value, ast.Call):
            f = value.func
            if isinstance(f, ast.Name):
                if f.id in names and names[f.id] in self.classes:
                    return names[f.id]
                if f.id in names:  # a helper function: its annotation may name a class
                    e = self.by_key.get(".".join(names[f.id]))
                    return self._class_in(names[f.id][0], e.returns) if e else None
                return typed.get(f.id)
            if isinstance(f, ast.Attribute):
                owner = self._type_of(f.value, names, typed)
                if owner is not None:
                    e = self.by_key.get(f"{owner[0]}.{owner[1]}.{f.attr}")
                    return self._class_in(owner[0], e.returns) if e else None
        if isinstance(value, ast.Attribute):
            owner = self._type_of(value.value, names, typed)
            if isinstance(value.value, ast.Name) and names.get(value.value.id) in self.classes:
                owner = names[value.value.id]  # `EventSet.parse`: a class attribute or classmethod
            if owner is not None:
                e = self.by_key.get(f"{owner[0]}.{owner[1]}.{value.attr}")
                return self._class_in(owner[0], e.returns) if e and e.kind == "property" else None
        return None

    def uses(self, lab: str, file: Path, in_checks: bool) -> Iterator[Use]:
        source = file.read_text(encoding="utf-8")
        try:
            tree = ast.parse(source, filename=str(file))
        except SyntaxError:
            return
        names, modules = self._imports(tree)
        # An imported module's attribute is no helper's: `boto3.client` is not `S3.client`.
        imported = {a.asname or a.name.split(".")[0] for n in ast.walk(tree)
                    if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
        if not names and not modules and not self.fixtures:
            return
        typed = self.types(tree, names)
        used_modules = {m for m, _ in names.values()} | set(modules.values()) | {m for m, _ in self.fixtures.values()}
        calls = {id(n.func): n for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            found: list[tuple[str, int]] = []  # (key, 0 typed / 1 by name only)
            if isinstance(node, ast.Name) and node.id in names and id(node) in calls:
                found.append((".".join(names[node.id]), 0))
            elif isinstance(node, ast.Attribute):
                if isinstance(node.value, ast.Name) and node.value.id in modules:
                    found.append((f"{modules[node.value.id]}.{node.attr}", 0))
                owner = self._type_of(node.value, names, typed)
                if isinstance(node.value, ast.Name) and names.get(node.value.id) in self.classes:
                    owner = names[node.value.id]
                if owner is not None:
                    found.append((f"{owner[0]}.{owner[1]}.{node.attr}", 0))
                elif not (isinstance(node.value, ast.Name) and node.value.id in NOT_HELPERS | imported):
                    found += [(f"{m}.{c}.{node.attr}", 1) for m in sorted(used_modules)
                              for c in self.methods.get((m, node.attr), [])]
            for key, tier in found:
                if key not in self.by_key:
                    continue
                shown = calls.get(id(node), node)
                segment = ast.get_source_segment(source, shown) or ""
                text = " ".join(segment.split())
                line = getattr(node, "lineno", 0)
                rank = (tier, 0 if in_checks else 1, 0 if len(text) <= MAX_EXAMPLE else 1, str(file), line)
                yield Use(key, text, lab, rank)


def find_uses(entries: list[ApiEntry], labs_dir: Path) -> dict[str, Use]:
    """The best real use of each helper in labs/*/ (checks first, then steps), by ApiEntry.key."""
    best: dict[str, Use] = {}
    for lab in sorted(p for p in labs_dir.iterdir() if (p / "lab.yaml").is_file()):
        scan = _LabScan(entries)
        files = sorted(lab.rglob("*.py"), key=lambda p: (p.name != "conftest.py", str(p)))  # fixtures first
        for f in files:
            for use in scan.uses(lab.name, f, in_checks="checks" in f.relative_to(lab).parts):
                if len(use.text) <= 2 * MAX_EXAMPLE and (use.key not in best or use.rank < best[use.key].rank):
                    best[use.key] = use
    # A class the labs never build themselves (a result type): show the call that hands one back.
    for e in entries:
        if e.kind == "class" and e.key not in best:
            makers = [best[m.key] for m in entries if m.key in best and m.kind != "class" and m.module == e.module
                      and e.name in m.returns.replace("[", " ").replace("]", " ").replace("|", " ").split()]
            if makers:
                u = min(makers, key=lambda u: u.rank)
                best[e.key] = Use(e.key, u.text, u.lab, (1, *u.rank[1:]))
    return best
