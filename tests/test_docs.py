"""docs/WRITING_LABS.md stays what the code says: generated sections fresh, every lab.yaml key documented, every
helper with an example. No Docker."""

from __future__ import annotations

import ast
import difflib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from pytest_altlab.docs.__main__ import main
from pytest_altlab.docs.examples import EXAMPLES
from pytest_altlab.docs.helpers_api import api_entries, find_uses
from pytest_altlab.docs.writing_labs import COMMAND, PKG_DIR, generate
from pytest_altlab.errors import ManifestError
from pytest_altlab.manifest import load_manifest
from pytest_altlab.manifest_fields import FIELDS, SECTIONS, bounds, field, keys

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "WRITING_LABS.md"

BASE = {"schema": 1, "id": "demo", "title": "Demo", "services": {"box": {"use": "box"}}}
# For each checked section of lab.yaml: a lab.yaml with one unknown key `zz_probe` in that section.
PROBES = {
    "": {**BASE, "zz_probe": 1},
    "services.<name>": {**BASE, "services": {"box": {"use": "box", "zz_probe": 1}}},
    "parameters.<name>": {**BASE, "parameters": {"p": {"default": "x", "zz_probe": 1}}},
    "<step>": {**BASE, "break": {"run": "break.sh", "zz_probe": 1}},
    "hints[]": {**BASE, "hints": [{"text": "look", "zz_probe": 1}]},
    "variants[]": {**BASE, "variants": [{"id": "alt", "zz_probe": 1}]},
}


def write_lab(tmp_path: Path, data: dict) -> Path:
    d = tmp_path / "demo"
    d.mkdir()
    (d / "lab.yaml").write_text(yaml.safe_dump(data))
    (d / "break.sh").write_text("true\n")
    (d / "checks").mkdir()
    (d / "checks" / "test_demo.py").write_text("import pytest\n\n@pytest.mark.points(1)\ndef test_demo(lab): pass\n")
    return d


def test_committed_doc_is_what_the_generator_writes() -> None:
    fresh, new = generate(DOC, check=True)
    if not fresh:
        diff = difflib.unified_diff(DOC.read_text().splitlines(), new.splitlines(), "committed", "generated",
                                    lineterm="", n=0)
        pytest.fail(f"docs/WRITING_LABS.md is out of date: run `{COMMAND}` and commit it\n"
                    + "\n".join(list(diff)[:40]), pytrace=False)


@pytest.mark.parametrize("section", SECTIONS)
def test_every_key_the_loader_accepts_is_documented_and_back(tmp_path: Path, section: str) -> None:
    """Asked from the loader's behaviour (its "known: ..." list), not from the table it reads."""
    with pytest.raises(ManifestError) as e:
        load_manifest(write_lab(tmp_path, PROBES[section]))
    assert "zz_probe" in e.value.field, str(e.value)
    m = re.search(r"known: ([^)]*)\)", str(e.value))
    assert m, str(e.value)
    accepted = set(m.group(1).split(", "))
    documented = set(keys(section))
    assert accepted == documented, (f"lab.yaml section '{section or '(top level)'}': accepted but not documented: "
                                    f"{sorted(accepted - documented)}; documented but refused: "
                                    f"{sorted(documented - accepted)} (add the field to manifest_fields.FIELDS)")


def test_every_section_is_probed() -> None:
    assert set(PROBES) == set(SECTIONS)


def test_manifest_takes_its_keys_from_the_field_table() -> None:
    """No literal key list in manifest.py: a key added there (say, on a merge) would bypass the docs."""
    tree = ast.parse((PKG_DIR / "manifest.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "keys" \
                and len(node.args) >= 2:
            arg = node.args[1]
            from_table = isinstance(arg, ast.Call) and ast.unparse(arg.func) == "keys"
            assert from_table or ast.unparse(arg) == "KNOWN_LAB_KEYS", \
                f"manifest.py line {node.lineno}: {ast.unparse(arg)} is not manifest_fields.keys(...)"
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "KNOWN_LAB_KEYS" for t in node.targets):
            assert ast.unparse(node.value) == "frozenset(keys(''))", ast.unparse(node.value)


def test_documented_defaults_are_the_loaders(tmp_path: Path) -> None:
    m = load_manifest(write_lab(tmp_path, {
        **BASE, "parameters": {"p": {"default": "x"}}, "hints": ["look"], "break": "break.sh",
        "variants": [{"id": "alt", "kind": "alternative", "run": "break.sh"}]}))
    assert (m.time_limit, m.pass_mark, m.check_timeout) == tuple(
        bounds(f)[2] for f in ("time_limit", "pass_mark", "check_timeout"))
    assert m.hints[0].cost == bounds("hints[].cost")[2]
    assert str(m.version) == field("version").default and m.summary == field("summary").default
    assert m.restart_mode == field("restart_mode").default and m.flavours == field("flavours").choices
    assert str(m.parameters[0].secret).lower() == field("parameters.<name>.secret").default
    assert m.variants[0].description == field("variants[].description").default
    assert str(m.variants[0].persistence).lower() == field("variants[].persistence").default
    assert m.restart == ("box",) and m.break_steps[0].service == "box"  # "all services", "the first service"


def test_every_field_is_described() -> None:
    for f in FIELDS:
        assert f.type and f.meaning and f.example, f.path
    assert len({f.path for f in FIELDS}) == len(FIELDS)


def test_the_lab_yaml_sketch_in_the_doc_uses_documented_fields() -> None:
    text = DOC.read_text()
    block = text[text.index("## lab.yaml"):].split("```yaml\n", 1)[1].split("```", 1)[0]
    data = yaml.safe_load(block)
    paths = {f.path for f in FIELDS}
    found = [k for k in data if k not in paths]
    for name, svc in data["services"].items():
        found += [f"services.{name}.{k}" for k in svc if f"services.<name>.{k}" not in paths]
    for name, spec in data["parameters"].items():
        found += [f"parameters.{name}.{k}" for k in spec if f"parameters.<name>.{k}" not in paths]
    for i, v in enumerate(data["variants"]):
        found += [f"variants[{i}].{k}" for k in v if f"variants[].{k}" not in paths]
    for i, h in enumerate(data["hints"]):
        found += [f"hints[{i}].{k}" for k in h if f"hints[].{k}" not in paths]
    assert not found, f"the sketch in docs/WRITING_LABS.md uses fields lab.yaml does not have: {found}"


def test_every_public_helper_has_an_example() -> None:
    entries = api_entries(PKG_DIR / "helpers")
    assert len(entries) > 100  # the scan finds the helpers at all
    uses = find_uses(entries, ROOT / "labs")
    missing = [e.key for e in entries if e.key not in uses and e.key not in EXAMPLES]
    assert not missing, f"no lab uses these helpers: add an example to pytest_altlab/docs/examples.py: {missing}"
    stale = sorted(set(EXAMPLES) - {e.key for e in entries})
    assert not stale, f"examples of helpers that do not exist (any more): {stale}"
    for key, code in EXAMPLES.items():
        try:
            ast.parse(code)  # a sketch is at least Python
        except SyntaxError as e:
            pytest.fail(f"examples.py {key}: {code!r} is not Python ({e.msg})")


def test_a_real_use_is_the_callers_own_helper() -> None:
    """Types are followed: `rmq = RabbitMQ(lab)` in a conftest makes `rmq.vhosts()` RabbitMQ's, not a guess."""
    uses = find_uses(api_entries(PKG_DIR / "helpers"), ROOT / "labs")
    assert uses["rabbitmq.RabbitMQ"].text.startswith("RabbitMQ(")
    assert uses["rabbitmq.RabbitMQ.vhosts"].text == "rmq.vhosts()" and uses["rabbitmq.RabbitMQ.vhosts"].rank[0] == 0
    assert all(not u.text.startswith("boto3.") for u in uses.values())  # a library's own call is no helper's


def test_regenerating_keeps_prose_and_rewrites_sections(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A paragraph added by hand (say, on another branch) survives; a hand edit inside a section does not."""
    doc = tmp_path / "WRITING_LABS.md"
    text = DOC.read_text()
    para = "## Start from a scaffold\n\n`altlab new LAB` writes a lab folder to start from.\n"
    text = text.replace("## lab.yaml\n", para + "\n## lab.yaml\n", 1)
    doc.write_text(text.replace("| `check_timeout` |", "| `check_timeout_typo` |"))
    assert main(["--check", str(doc)]) == 1
    assert f"run `{COMMAND}`" in capsys.readouterr().err
    assert main([str(doc)]) == 0
    assert doc.read_text() == text  # the paragraph is kept, the table is right again
    assert main(["--check", str(doc)]) == 0


@pytest.mark.parametrize(("edit", "says"), [
    (lambda t: t.replace("<!-- end generated: markers -->\n", ""), "section 'markers' has no closing line"),
    (lambda t: t.replace("generated: markers ", "generated: makers ", 1), "unknown generated section 'makers'"),
    (lambda t: re.sub(r"<!-- generated: helpers .*?<!-- end generated: helpers -->\n", "", t, flags=re.S),
     "no generated section helpers"),
])
def test_a_broken_template_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], edit, says) -> None:
    doc = tmp_path / "WRITING_LABS.md"
    shutil.copy(DOC, doc)
    doc.write_text(edit(doc.read_text()))
    assert main([str(doc)]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err and str(doc) in err
