"""docs/WRITING_LABS.md: its generated sections (lab.yaml fields, fixtures, markers, helper API), rendered in place.

The file is its own template: hand-written prose stays as written, and only the text between a pair of
`<!-- generated: NAME -->` / `<!-- end generated: NAME -->` lines is replaced. So a paragraph added on another
branch merges like any edit, and regenerating never loses it."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

from ..errors import AltlabError
from ..manifest_fields import FIELDS, SCHEMAS
from ..paths import builtin_labs_dir
from .examples import EXAMPLES
from .helpers_api import api_entries, class_entries, find_uses

__all__ = ["COMMAND", "SECTIONS", "PKG_DIR", "generate", "render"]

COMMAND = "python -m pytest_altlab.docs"  # what a stale file's message tells you to run
PKG_DIR = Path(__file__).resolve().parents[1]
BEGIN = re.compile(r"^<!-- generated: ([a-z-]+) .*-->$")


def _cell(text: str) -> str:
    """Table cell text: pipes escaped; outside `code`, `<` too (`<name>` would read as an HTML tag)."""
    parts = text.replace("|", "\\|").replace("\n", " ").split("`")
    return "`".join(p if i % 2 else p.replace("<", "&lt;") for i, p in enumerate(parts))


def _code(text: str) -> str:
    """A code span, with a longer fence where the code holds a backtick itself."""
    if not text:
        return ""
    text = text.replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def schema_section() -> str:
    values = ", ".join(f"`schema: {s}`" for s in SCHEMAS)
    return (f"This version of altlab reads {values}; a lab.yaml without `schema` is read as schema {SCHEMAS[0]}, "
            "and any other value is refused on load (a lab written for a newer altlab says so instead of "
            "half-working).")


def fields_section() -> str:
    rows = ["| field | type | default | allowed | meaning | example |", "| --- | --- | --- | --- | --- | --- |"]
    for f in FIELDS:
        rows.append(f"| {_code(f.path)} | {_cell(f.type)} | {_cell(f.shown_default)} | {_cell(f.shown_allowed)} "
                    f"| {_cell(f.meaning)} | {_code(f.example)} |")
    return "\n".join(rows)


def _fixtures() -> list[tuple[str, str, str, str]]:
    """(name, scope, return type, docstring) of every `@pytest.fixture` in the package."""
    out = []
    for f in sorted(PKG_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for d in node.decorator_list:
                if "pytest.fixture" not in ast.unparse(d):
                    continue
                scope = next((ast.literal_eval(k.value) for k in getattr(d, "keywords", []) if k.arg == "scope"),
                             "function")
                out.append((node.name, str(scope), ast.unparse(node.returns) if node.returns else "",
                            ast.get_docstring(node) or ""))
    return out


def _comment(line: str) -> str:
    """An attribute's trailing `# comment`, which says what it holds (attributes have no docstrings)."""
    code, sep, comment = line.partition("  # ")
    return comment.strip() if sep and code.count('"') % 2 == 0 else ""


def _class_members(name: str) -> list[tuple[str, str]]:
    """(signature, first docstring paragraph) of the public attributes, properties and methods of class `name`."""
    for f in sorted(PKG_DIR.rglob("*.py")):
        source = f.read_text(encoding="utf-8")
        tree, lines = ast.parse(source), source.splitlines()
        cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
        if cls is None:
            continue
        out: list[tuple[str, str]] = []
        for n in cls.body:
            if isinstance(n, ast.FunctionDef) and n.name == "__init__":
                for a in ast.walk(n):
                    if isinstance(a, (ast.Assign, ast.AnnAssign)):
                        for t in a.targets if isinstance(a, ast.Assign) else [a.target]:
                            if isinstance(t, ast.Attribute) and ast.unparse(t.value) == "self" and t.attr[0] != "_":
                                out.append((t.attr, _comment(lines[a.lineno - 1])))
            elif isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name) and n.targets[0].id[0] != "_":
                out.append((f"{n.targets[0].id} = {ast.unparse(n.value)}", _comment(lines[n.lineno - 1])))
        out += [(e.signature, e.summary) for e in class_entries(f.stem, cls) if e.kind != "class"]
        return out
    raise AltlabError(f"the fixture's class {name} is not defined in {PKG_DIR}")


def fixtures_section() -> str:
    parts = []
    for name, scope, returns, doc in _fixtures():
        parts.append(f"### `{name}` ({scope} scope{', ' + returns if returns else ''})\n\n{doc}\n")
        if returns:
            rows = [f"| `{name}.`... | what it is |", "| --- | --- |"]
            rows += [f"| {_code(sig)} | {_cell(summary)} |" for sig, summary in _class_members(returns)]
            parts.append("\n".join(rows) + "\n")
    return "\n".join(parts).rstrip()


def markers_section() -> str:
    tree = ast.parse((PKG_DIR / "plugin.py").read_text(encoding="utf-8"))
    markers: tuple[str, ...] = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                                    and any(getattr(t, "id", "") == "MARKERS" for t in n.targets))
    rows = ["| marker | meaning |", "| --- | --- |"]
    for m in markers:
        head, _, meaning = m.partition(": ")
        rows.append(f"| {_code('@pytest.mark.' + head)} | {_cell(meaning)} |")
    return "\n".join(rows)


def helpers_section() -> str:
    entries = api_entries(PKG_DIR / "helpers")
    uses = find_uses(entries, builtin_labs_dir())
    missing = [e.key for e in entries if e.key not in uses and e.key not in EXAMPLES]
    if missing:
        raise AltlabError(f"helpers without an example: {', '.join(missing)}",
                          hint="use them in a lab's checks, or add an example to pytest_altlab/docs/examples.py")
    parts = []
    for module in sorted({e.module for e in entries}):
        doc = ast.get_docstring(ast.parse((PKG_DIR / "helpers" / f"{module}.py").read_text(encoding="utf-8")))
        rows = [f"### `helpers/{module}.py`\n", f"{(doc or '').splitlines()[0] if doc else ''}\n",
                f"`from pytest_altlab.helpers.{module} import ...`\n",
                "| helper | what it does | example (from the lab) |", "| --- | --- | --- |"]
        for e in (x for x in entries if x.module == module):
            shown = e.signature if e.kind in ("class", "function") else f"{e.name.split('.')[0]}.{e.signature}"
            use = uses.get(e.key)
            example = f"{_code(use.text)} ({use.lab})" if use else f"{_code(EXAMPLES[e.key])} (sketch)"
            rows.append(f"| {_code(shown)} | {_cell(e.summary)} | {example} |")
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


SECTIONS: dict[str, Callable[[], str]] = {
    "schema": schema_section,
    "lab-fields": fields_section,
    "fixtures": fixtures_section,
    "markers": markers_section,
    "helpers": helpers_section,
}


def render(text: str, where: str = "docs/WRITING_LABS.md") -> str:
    """`text` with every generated section written anew; the lines outside them are kept as they are."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    seen = set()
    while i < len(lines):
        line = lines[i]
        out.append(line)
        m = BEGIN.match(line.strip())
        i += 1
        if not m:
            continue
        name = m.group(1)
        if name not in SECTIONS:
            raise AltlabError(f"{where}:{i}: unknown generated section '{name}'",
                              hint="one of " + ", ".join(SECTIONS))
        end = f"<!-- end generated: {name} -->"
        j = next((k for k in range(i, len(lines)) if lines[k].strip() == end), None)
        if j is None:
            raise AltlabError(f"{where}:{i}: section '{name}' has no closing line", hint=f"add the line {end}")
        seen.add(name)
        out += ["", SECTIONS[name](), "", end]
        i = j + 1
    absent = [s for s in SECTIONS if s not in seen]
    if absent:
        raise AltlabError(f"{where}: no generated section {', '.join(absent)}",
                          hint="keep a pair of lines <!-- generated: NAME --> / <!-- end generated: NAME --> for each")
    return "\n".join(out) + "\n"


def generate(file: Path, check: bool = False) -> tuple[bool, str]:
    """Regenerate `file` in place (or, with `check`, only compare): (up to date before, rendered text)."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as e:
        raise AltlabError(f"{file}: cannot read it ({e.strerror or e})",
                          hint="the docs live in a checkout of the repository, not in an installed package") from None
    new = render(text, str(file))
    if not check and new != text:
        file.write_text(new, encoding="utf-8")
    return new == text, new
