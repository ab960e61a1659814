"""Lifecycle errors a user meets: each a clear message, a non-zero exit, no traceback, nothing left behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from pytest_altlab.backends import ExecResult
from pytest_altlab.docker import classify
from pytest_altlab.errors import CommandFailed, ComposeMissing, DockerNotRunning, PortInUse
from pytest_altlab.instance import project_name

from .conftest import TEST_LABS, altlab, leftovers


def test_docker_not_installed() -> None:
    res = altlab("--lab-dir", str(TEST_LABS), "start", "probe", env={"ALTLAB_DOCKER": "", "PATH": "/nonexistent"})
    assert res.returncode == 2
    assert "Docker is not installed" in res.stderr and "apt-get install docker.io" in res.stderr
    assert "Traceback" not in res.stderr


def test_docker_not_running() -> None:
    res = altlab("--lab-dir", str(TEST_LABS), "start", "probe", "--instance", "nodocker",
                 env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert res.returncode == 2
    assert "the Docker engine is not running" in res.stderr and "dockerd" in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize(("stderr", "argv", "error"), [
    ("docker: 'compose' is not a docker command.\nSee 'docker --help'", ["docker", "compose", "up"], ComposeMissing),
    ("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
     ["docker", "ps"], DockerNotRunning),
    ("Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:8080 "
     "failed: port is already allocated", ["docker", "compose", "up"], PortInUse),
    ("something else", ["docker", "compose", "up"], CommandFailed),
])
def test_docker_failures_are_classified(stderr: str, argv: list[str], error: type) -> None:
    err = classify(ExecResult(1, "", stderr, argv))
    assert type(err) is error
    assert "hint" in str(err) or error is CommandFailed


@pytest.mark.docker
def test_service_never_healthy_shows_logs_and_leaves_nothing() -> None:
    res = altlab("--lab-dir", str(TEST_LABS), "start", "never-healthy", "--timeout", "8")
    assert res.returncode == 2, res.stderr
    assert "are not healthy (waited up to 8s)" in res.stderr
    assert "sick: state=running health=unhealthy" in res.stderr
    assert "config file /etc/sick.conf is missing" in res.stderr, "the service's last log lines are shown"
    assert "Traceback" not in res.stderr
    assert leftovers(project_name("never-healthy", "default")) == {"containers": [], "networks": [], "volumes": []}


@pytest.mark.docker
def test_port_in_use_is_reported_and_cleaned_up() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        res = altlab("--lab-dir", str(TEST_LABS), "start", "probe", "--instance", "busyport",
                     "--port", f"box:8080={port}")
    assert res.returncode == 2, res.stdout + res.stderr
    assert "already in use" in res.stderr and "Traceback" not in res.stderr
    assert leftovers(project_name("probe", "busyport")) == {"containers": [], "networks": [], "volumes": []}


@pytest.mark.docker
def test_ctrl_c_during_start_leaves_nothing() -> None:
    # The hang lab: its break step takes 10 s, so the Ctrl-C surely lands inside the start (probe's whole start
    # takes about as long as a loaded machine needs to notice its container).
    project = project_name("hang", "interrupted")
    proc = subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", "--lab-dir", str(TEST_LABS), "start",
                             "hang", "--instance", "interrupted"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not leftovers(project)["containers"]:
            time.sleep(0.1)
        assert leftovers(project)["containers"], "the start never created its container"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err
        assert "interrupted" in err and "Traceback" not in err
        assert leftovers(project) == {"containers": [], "networks": [], "volumes": []}
    finally:  # whatever went wrong, no instance of this test is left for the next ones to meet
        if proc.poll() is None:
            proc.kill()
        altlab("--lab-dir", str(TEST_LABS), "stop", "hang", "--instance", "interrupted")


@pytest.mark.docker
def test_start_twice_and_stop_twice() -> None:
    args = ("--lab-dir", str(TEST_LABS))
    try:
        first = altlab(*args, "start", "probe", "--instance", "twice")
        assert first.returncode == 0, first.stderr
        again = altlab(*args, "start", "probe", "--instance", "twice")
        assert again.returncode == 2 and "already running" in again.stderr
        status = altlab(*args, "status", "probe", "--instance", "twice", "--json")
        import json

        st = json.loads(status.stdout)
        assert st["running"] and st["services"][0]["ports"]["8080"]["host"] == "127.0.0.1"
        assert st["parameters"]["token"] == "***"
        out = altlab(*args, "shell", "probe", "--instance", "twice", "--", "cat", "/srv/answer")
        assert out.returncode == 0 and out.stdout.strip() == "0"
    finally:
        assert altlab(*args, "stop", "probe", "--instance", "twice").returncode == 0
    assert altlab(*args, "stop", "probe", "--instance", "twice").returncode == 0, "stopping a stopped lab is fine"
    assert leftovers(project_name("probe", "twice")) == {"containers": [], "networks": [], "volumes": []}
