"""Candidate-edited compose overrides (`altlab workspace` / `altlab apply`) and the recreate restart mode."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.errors import ManifestError
from pytest_altlab.lab import LabRunner, check_override

from .conftest import TEST_LABS, altlab

START = "services:\n  box: {}\n"


@pytest.fixture
def labs(tmp_path: Path) -> Path:
    root = tmp_path / "labs"
    shutil.copytree(TEST_LABS / "probe", root / "probe")
    (root / "probe" / "workspace").mkdir()
    (root / "probe" / "workspace" / "compose.override.yaml").write_text(START)
    text = (root / "probe" / "lab.yaml").read_text() + "restart_mode: recreate\n"
    (root / "probe" / "lab.yaml").write_text(text)
    return root


@pytest.mark.parametrize(("override", "field"), [
    ("services:\n  box:\n    privileged: true\n", "services.box.privileged"),
    ("services:\n  box:\n    ports: ['0.0.0.0:80:80']\n", "services.box.ports"),
    ("services:\n  box:\n    volumes: ['/etc:/host-etc']\n", "services.box.volumes"),
    ("services:\n  web: {}\n", "services.web"),
    ("networks:\n  outside: {external: true}\n", "networks"),
])
def test_overrides_that_leave_the_lab_are_refused(tmp_path: Path, override: str, field: str) -> None:
    f = tmp_path / "compose.override.yaml"
    f.write_text(override)
    with pytest.raises(ManifestError) as e:
        check_override(f, ["box"])
    assert str(f) in str(e.value) and f"field '{field}'" in str(e.value)


@pytest.fixture
def running(labs: Path) -> Iterator[LabRunner]:
    r = LabRunner(Catalog([labs]).get("probe"), "workspace")
    r.stop()
    r.start()
    yield r
    r.stop()


@pytest.mark.docker
def test_apply_merges_the_override_and_recreate_keeps_named_volumes(labs: Path, running: LabRunner) -> None:
    ws = altlab("--lab-dir", str(labs), "workspace", "probe", "--instance", "workspace")
    assert ws.returncode == 0
    override = Path(ws.stdout.strip()) / "compose.override.yaml"
    assert override.read_text() == START
    override.write_text("services:\n  box:\n    restart: unless-stopped\n    ulimits:\n      nofile: 4096\n")
    res = altlab("--lab-dir", str(labs), "apply", "probe", "--instance", "workspace")
    assert res.returncode == 0, res.stderr
    ctx = running.context()
    info = ctx.inspect("box")
    assert info["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
    limits = ctx.exec("box", ["sh", "-c", "ulimit -n"])
    assert limits.stdout.strip() == "4096"
    # recreate mode: new containers, same named volume
    ctx.exec("box", ["sh", "-c", "echo kept > /srv/marker"])
    old_id = info["Id"]
    port = ctx.port("box", 8080)
    ctx.restart()
    assert ctx.port("box", 8080) == port, "host ports are pinned at start: a candidate's client keeps working"
    assert ctx.inspect("box")["Id"] != old_id
    assert (ctx.read_file("box", "/srv/marker") or "").strip() == "kept"
    # an override the engine refuses at start (a limit above the engine's own) is rolled back
    override.write_text("services:\n  box:\n    ulimits:\n      nofile: 100000000\n")
    refused = altlab("--lab-dir", str(labs), "apply", "probe", "--instance", "workspace")
    assert refused.returncode == 2 and "your change was not applied" in refused.stderr, refused.stderr
    assert running.context().exec("box", ["true"]).ok, "the lab still runs as before the change"
    # a broken override changes nothing and says where
    override.write_text("services:\n  box:\n    ulimits: [oops\n")
    bad = altlab("--lab-dir", str(labs), "apply", "probe", "--instance", "workspace")
    assert bad.returncode == 2 and "compose.override.yaml" in bad.stderr and "Traceback" not in bad.stderr
