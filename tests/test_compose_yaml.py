"""Compose files we write read back in compose (a YAML 1.2 reader) with every string as we wrote it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from pytest_altlab.composeyaml import dump_compose

# Strings PyYAML (YAML 1.1) leaves plain but YAML 1.2 reads as numbers: a state folder's tag of digits, a hex
# parameter without letters, exponent and octal forms; and strings that must stay as they are.
TRICKY = ["063836", "1e5123", "0o17", "012345", "0x1F", "12", "1.5", "yes", "", "abc", "127.0.0.1::8080"]


def _doc() -> dict:
    labels = {f"io.altlab.t{i}": v for i, v in enumerate(TRICKY)}
    return {"name": "altlab-yaml-test", "services": {"box": {"image": "altlab/debian:trixie", "labels": labels,
                                                             "environment": {"ANSWER": "063836"}}}}


def test_the_tricky_strings_are_quoted_and_pyyaml_reads_them_back() -> None:
    text = dump_compose(_doc())
    assert "'063836'" in text and "'1e5123'" in text and "'0o17'" in text
    assert "abc\n" in text and "127.0.0.1::8080" in text  # nothing else is quoted for the sake of it
    assert yaml.safe_load(text) == _doc()


@pytest.mark.docker
def test_compose_reads_every_label_and_variable_as_written(tmp_path: Path) -> None:
    f = tmp_path / "compose.yaml"
    f.write_text(dump_compose(_doc()))
    res = subprocess.run(["docker", "compose", "-f", str(f), "config", "--format", "json"], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    box = json.loads(res.stdout)["services"]["box"]
    assert box["labels"] == {f"io.altlab.t{i}": v for i, v in enumerate(TRICKY)}
    assert box["environment"] == {"ANSWER": "063836"}
    # what PyYAML alone writes for the same document: compose turns the tag into another number
    f.write_text(yaml.safe_dump(_doc()))
    res = subprocess.run(["docker", "compose", "-f", str(f), "config", "--format", "json"], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode != 0 or json.loads(res.stdout)["services"]["box"]["labels"]["io.altlab.t0"] != "063836"
