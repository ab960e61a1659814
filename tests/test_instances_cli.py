"""`altlab use` remembers an instance; a command aimed at a stopped one names the instances that run."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import TEST_LABS, altlab

ARGS = ("--lab-dir", str(TEST_LABS))


@pytest.mark.docker
def test_use_remembers_and_not_running_names_the_running_instance(tmp_path: Path) -> None:
    env = {"ALTLAB_HOME": str(tmp_path / "home")}
    assert altlab(*ARGS, "start", "probe", "--instance", "other", env=env).returncode == 0
    try:
        res = altlab(*ARGS, "shell", "probe", "--", "true", env=env)
        assert res.returncode == 2 and "instance 'default'" in res.stderr
        assert "running instead: other" in res.stderr and "--instance other" in res.stderr
        assert altlab(*ARGS, "use", "probe", "--instance", "nope", env=env).returncode == 2
        assert altlab(*ARGS, "use", "probe", "--instance", "other", env=env).returncode == 0
        res = altlab(*ARGS, "shell", "probe", "--", "cat", "/srv/answer", env=env)
        assert res.returncode == 0, res.stderr
        graded = altlab(*ARGS, "grade", "probe", "--persistence", env=env)  # piped: one plain line per phase
        assert graded.returncode == 1 and "score 0/5" in graded.stdout
        phases = [ln for ln in graded.stderr.splitlines() if ln.strip()]
        assert phases == ["checks of probe: first pass", "restarting the services of probe",
                          "re-checking after the restart"], graded.stderr
        assert altlab(*ARGS, "use", "probe", env=env).returncode == 0  # back to the default instance
        assert altlab(*ARGS, "shell", "probe", "--", "true", env=env).returncode == 2
    finally:
        altlab(*ARGS, "stop", "probe", "--instance", "other", env=env)
