"""Shared test setup: an isolated ALTLAB_HOME, the tests' own labs, and the `docker` marker's skip."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

# A suite started in the background by a non-interactive shell (`cmd &`) inherits SIGINT ignored, and so would
# every `altlab` a test interrupts with Ctrl-C (the signal is ignored across exec). Catching it here gives the
# children the disposition a terminal user's command has: default, so Python raises KeyboardInterrupt.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

TEST_LABS = Path(__file__).parent / "labs"

collect_ignore = ["labs"]  # the test labs' checks run only through `--lab`


def _docker_ready() -> str | None:
    """None when Docker + compose work; otherwise the reason to skip."""
    if not shutil.which("docker"):
        return "Docker is not installed (run scripts/setup-docker.sh)"
    try:
        if subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode != 0:
            return "the Docker engine is not running (run scripts/setup-docker.sh)"
        if subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=20).returncode != 0:
            return "docker compose v2 is missing (run scripts/setup-docker.sh)"
    except subprocess.TimeoutExpired:
        return "the Docker engine does not answer"
    return None


_REASON = _docker_ready()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _REASON is None:
        return
    if os.environ.get("CI"):  # CI sets Docker up itself: a missing engine there is a failure, not a skip
        raise pytest.UsageError(f"CI=true but {_REASON}")
    for item in items:
        if item.get_closest_marker("docker"):
            item.add_marker(pytest.mark.skip(reason=_REASON))


@pytest.fixture(scope="session", autouse=True)
def altlab_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Instances started by the tests keep their state apart from the user's."""
    home = tmp_path_factory.mktemp("altlab-home")
    old = os.environ.get("ALTLAB_HOME")
    os.environ["ALTLAB_HOME"] = str(home)
    # Tests make many state folders, each with its own resident grader: let idle ones go soon.
    os.environ.setdefault("ALTLAB_FORKSERVER_IDLE", "30")
    yield home
    from pytest_altlab.grading.forkclient import stop_server

    stop_server()
    if old is None:
        os.environ.pop("ALTLAB_HOME", None)
    else:
        os.environ["ALTLAB_HOME"] = old


def altlab(*args: str, timeout: float = 600, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the `altlab` command as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "pytest_altlab.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def load_module(path: Path, name: str) -> ModuleType:
    """A lab's Python file (a check module, a conftest) imported by path under `name`, outside pytest's collection."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def leftovers(project: str) -> dict[str, list[str]]:
    flt = f"label=com.docker.compose.project={project}"
    out = {}
    for kind, cmd in (("containers", ["ps", "-aq"]), ("networks", ["network", "ls", "-q"]),
                      ("volumes", ["volume", "ls", "-q"])):
        res = subprocess.run(["docker", *cmd, "--filter", flt], capture_output=True, text=True, check=True)
        out[kind] = res.stdout.split()
    return out


def assert_grading_changes_nothing(lab_id: str, digest: Callable[[Any], Any]) -> None:
    """Start the lab, and show that grading the broken and the solved state (with the restart phase)
    leaves `digest(runner)` (the lab's own fingerprint of the candidate's state) exactly as it was."""
    from pytest_altlab.catalog import Catalog
    from pytest_altlab.grading import grade
    from pytest_altlab.lab import LabRunner

    r = LabRunner(Catalog().get(lab_id), "readonly-test")
    r.stop()
    r.start()
    try:
        before = digest(r)
        _, rep, _ = grade(lab_id, instance="readonly-test", quiet=True)
        assert rep["score"] == 0
        assert digest(r) == before
        r.apply_steps(r.context(), r.manifest.solution_steps, "solution")
        before = digest(r)
        _, rep, _ = grade(lab_id, instance="readonly-test", persistence=True, quiet=True)
        assert rep["score"] == rep["max_score"] == 100, rep
        assert digest(r) == before
    finally:
        assert not any(r.stop().values())
