"""The package stays typed and linted: mypy and ruff run as part of the suite."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    exe = Path(sys.executable).parent / name
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return found


def test_mypy_clean() -> None:
    res = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:]


def test_ruff_clean() -> None:
    res = subprocess.run([_tool("ruff"), "check", "src", "tests", "bench"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:]


SRC = ROOT / "src" / "pytest_altlab"


def test_no_module_over_400_lines() -> None:
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, f"split these modules (one job each): {long}"


def test_only_the_backends_name_the_compose_backend_or_run_compose() -> None:
    offenders = []
    for p in SRC.rglob("*.py"):
        rel = p.relative_to(SRC)
        if rel.parts[0] == "backends":
            continue
        text = p.read_text(encoding="utf-8")
        runs_compose = re.search(r'\[\s*"compose"\s*,', text) and rel.name != "docker.py"  # an argv: compose ...
        if "ComposeBackend" in text or runs_compose:
            offenders.append(str(rel))
    assert not offenders, f"go through backends.get_backend / get_engine instead: {offenders}"
