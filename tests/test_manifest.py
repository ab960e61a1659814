"""lab.yaml validation and parameters: pure logic, no Docker."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pytest_altlab.catalog import Catalog
from pytest_altlab.errors import ManifestError, UnknownLabError
from pytest_altlab.lab import render_task
from pytest_altlab.manifest import load_manifest
from pytest_altlab.params import resolve_params

from .conftest import TEST_LABS

GOOD = {
    "id": "demo", "title": "Demo", "services": {"box": {"use": "box"}},
    "parameters": {"vhost": {"default": "crm", "generate": "suffix"}, "pw": {"default": "x", "secret": True}},
    "break": "break.sh",
}


def write_lab(tmp_path: Path, data: dict | str, name: str = "demo") -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "lab.yaml").write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    (d / "break.sh").write_text("true\n")
    (d / "TASK.md").write_text("use {{ vhost }} with {{pw}}\n")
    (d / "checks").mkdir()  # a lab without checks is refused (see test_bad_input.py)
    (d / "checks" / "test_demo.py").write_text("import pytest\n\n@pytest.mark.points(1)\ndef test_demo(lab): pass\n")
    return d


def test_valid_manifest_loads(tmp_path: Path) -> None:
    m = load_manifest(write_lab(tmp_path, GOOD))
    assert m.id == "demo" and m.pass_mark == 70 and m.flavours == ("debian", "upstream")
    assert m.break_steps[0].service == "box"
    assert {p.name for p in m.parameters} == {"vhost", "pw"}


@pytest.mark.parametrize(("patch", "field", "value"), [
    ({"pass_mark": 170}, "pass_mark", "170"),
    ({"id": "Other"}, "id", "'Other'"),
    ({"flavours": ["debian", "alpine"]}, "flavours[1]", "'alpine'"),
    ({"break": "missing.sh"}, "break.run", "'missing.sh'"),
    ({"break": {"run": "break.sh", "service": "db"}}, "break.service", "'db'"),
    ({"parameters": {"p": {"generate": "uuid"}}}, "parameters.p.generate", "'uuid'"),
    ({"colour": "red"}, "colour", "'red'"),
    ({"services": {}}, "services", "{}"),
])
def test_errors_name_file_field_and_value(tmp_path: Path, patch: dict, field: str, value: str) -> None:
    d = write_lab(tmp_path, {**GOOD, **patch})
    with pytest.raises(ManifestError) as e:
        load_manifest(d)
    msg = str(e.value)
    assert str(d / "lab.yaml") in msg
    assert f"field '{field}'" in msg
    assert value in msg
    assert "hint: expected" in msg


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    d = write_lab(tmp_path, "id: demo\ntitle: [unclosed\n")
    with pytest.raises(ManifestError, match=r"line \d+, column \d+"):
        load_manifest(d)


def test_params_default_without_seed_and_derived_per_seed(tmp_path: Path) -> None:
    m = load_manifest(write_lab(tmp_path, GOOD))
    assert resolve_params(m) == {"vhost": "crm", "pw": "x"}
    a, a2, b = resolve_params(m, "exam1:alice"), resolve_params(m, "exam1:alice"), resolve_params(m, "exam1:bob")
    assert a == a2, "the same seed must give the same values on every machine"
    assert a["vhost"] != b["vhost"] and a["vhost"].startswith("crm-")
    assert a["pw"] == "x", "parameters without a generator keep their default"


def test_password_generator_gives_strong_distinct_values(tmp_path: Path) -> None:
    m = load_manifest(write_lab(tmp_path, {**GOOD, "parameters": {"pw": {"generate": "password"}}}))
    values = {resolve_params(m, f"seed{i}")["pw"] for i in range(50)}
    assert len(values) == 50
    assert all(len(v) == 20 and v.isalnum() for v in values)


def test_task_renders_parameters_and_rejects_unknown_placeholders(tmp_path: Path) -> None:
    d = write_lab(tmp_path, GOOD)
    m = load_manifest(d)
    assert render_task(m, {"vhost": "crm", "pw": "x"}, "debian") == "use crm with x\n"
    (d / "TASK.md").write_text("{{ nope }}")
    with pytest.raises(ManifestError, match="nope"):
        render_task(m, {"vhost": "crm", "pw": "x"}, "debian")


def test_unknown_lab_suggests_nearest() -> None:
    with pytest.raises(UnknownLabError) as e:
        Catalog().get("rabbitmq-vhost")
    assert "did you mean rabbitmq-vhosts" in str(e.value)


def test_every_shipped_lab_validates() -> None:
    labs = Catalog().all()
    assert "rabbitmq-vhosts" in [m.id for m in labs]
    for m in labs:
        assert m.task_file.is_file() and m.checks_dir.is_dir(), m.id
        assert m.solution_steps, f"{m.id} has no reference solution"


def test_user_lab_dirs_come_first() -> None:
    ids = Catalog([TEST_LABS]).ids()
    assert "probe" in ids and "rabbitmq-vhosts" in ids
