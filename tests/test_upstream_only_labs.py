"""Labs whose servers exist only as vendor images (MongoDB, SSDB, Keycloak): what can be proven without them.

Their `altlab verify` needs the images (tests/test_labs_verify.py skips it, saying which are missing).
Here, without Docker: every check module imports, every check carries points and names the numbered
task steps it grades, every near-miss names checks that exist, and no image of theirs can be built or
pulled by the normal bootstrap.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.composefile import load_service_file

UPSTREAM_ONLY = ["keycloak-realm", "mongodb-auth-users", "mongodb-backup-restore", "mongodb-indexes-profiler",
                 "mongodb-replica-set", "ssdb-multi-instance"]
CATALOG = Catalog()
# The `covers` marker is registered by the plugin on another branch; until then pytest only warns.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")


def _checks(lab_id: str) -> list[tuple[Path, ast.FunctionDef]]:
    m = CATALOG.get(lab_id)
    out = []
    for f in sorted(m.checks_dir.glob("test_*.py")):
        out += [(f, n) for n in ast.parse(f.read_text()).body
                if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
    return out


def _marker(fn: ast.FunctionDef, name: str) -> ast.Call | ast.Attribute | None:
    for d in fn.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if isinstance(target, ast.Attribute) and target.attr == name:
            return d  # type: ignore[return-value]
    return None


@pytest.mark.parametrize("lab_id", UPSTREAM_ONLY)
def test_lab_is_upstream_only_and_says_so(lab_id: str) -> None:
    m = CATALOG.get(lab_id)
    assert m.flavours == ("upstream",)
    assert "never verified" in (m.note_for("upstream") or "")
    for s in m.services:
        sf = load_service_file(s.use, m.path)
        assert "upstream" in sf.images
        if s.use != "slapd":  # the directory has our Debian build too; the lab still runs bitnami's
            assert "debian" not in sf.images and sf.build is None, f"{sf.file} must not be built by altlab"


@pytest.mark.parametrize("lab_id", UPSTREAM_ONLY)
def test_check_modules_import(lab_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    m = CATALOG.get(lab_id)
    monkeypatch.syspath_prepend(str(m.checks_dir))
    for f in [*sorted(m.checks_dir.glob("conftest.py")), *sorted(m.checks_dir.glob("test_*.py"))]:
        spec = importlib.util.spec_from_file_location(f"altlab_upstream_{lab_id}_{f.stem}", f)
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        finally:
            sys.modules.pop(spec.name, None)


@pytest.mark.parametrize("lab_id", UPSTREAM_ONLY)
def test_every_check_has_points_look_and_covers_real_steps(lab_id: str) -> None:
    m = CATALOG.get(lab_id)
    steps = {int(n) for n in re.findall(r"^(\d+)\. ", m.task_file.read_text(), re.M)}
    assert steps == set(range(1, max(steps) + 1)), f"{lab_id}: TASK.md steps are not numbered 1..N: {steps}"
    covered: set[int] = set()
    for f, fn in _checks(lab_id):
        where = f"{f.name}::{fn.name}"
        assert _marker(fn, "points"), f"{where} has no points"
        covers = _marker(fn, "covers")
        assert isinstance(covers, ast.Call) and covers.args, f"{where} names no task step (covers)"
        nums = {a.value for a in covers.args if isinstance(a, ast.Constant)}
        assert nums <= steps, f"{where} covers steps {sorted(nums - steps)} that TASK.md does not have"
        covered |= nums
        assert _marker(fn, "look") or _marker(fn, "after_restart"), f"{where} has no look marker"
    assert covered == steps, f"{lab_id}: no check grades step(s) {sorted(steps - covered)}"


@pytest.mark.parametrize("lab_id", UPSTREAM_ONLY)
def test_variants_name_existing_checks(lab_id: str) -> None:
    m = CATALOG.get(lab_id)
    names = {fn.name for _, fn in _checks(lab_id)}
    kinds = [v.kind for v in m.variants]
    assert kinds.count("near-miss") >= 2 and kinds.count("alternative") >= 1, kinds
    for v in m.variants:
        assert set(v.must_fail) <= names, f"{lab_id}/{v.id}: must_fail names unknown checks"
        assert v.kind != "near-miss" or v.must_fail, f"{lab_id}/{v.id}: a near-miss must name the checks it loses"
