"""The cheat played on real containers: a candidate replaces rabbitmqctl with a script; grading names it.

The honest neighbour runs the reference solution and must not be flagged. Both bundles carry the
candidates' recordings and verify with the exam's public key alone.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.exams.manifest import load_exam
from pytest_altlab.exams.run import ExamRun

from .conftest import altlab

FAKE = """#!/bin/sh
# the cheat: answer the checks' question with what they want to read, pass the rest on
case "$*" in
  *export_definitions*) echo '{{"vhosts": [{{"name": "/"}}, {{"name": "{vhost}"}}], "users": [], "permissions": []}}';;
  *) exec {real}.orig "$@";;
esac
"""


@pytest.fixture
def exam(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, dict[str, str]]]:
    env = {"ALTLAB_HOME": str(tmp_path / "home")}
    monkeypatch.setenv("ALTLAB_HOME", env["ALTLAB_HOME"])
    f = tmp_path / "tamper-exam.yaml"
    f.write_text("id: tamper-exam\ntitle: Tamper probe\ntime_limit: 30\npass_mark: 50\nlabs: [rabbitmq-vhosts]\n")
    yield f, env
    altlab("exam", "stop", str(f), env=env)


def _container(run: ExamRun, cid: str) -> str:
    r = run.runners(cid)[0]
    return f"{r.project}-rabbitmq-1"


@pytest.mark.docker
def test_replaced_rabbitmqctl_is_caught_and_the_reference_solution_is_not(
        exam: tuple[Path, dict[str, str]]) -> None:
    file, env = exam
    res = altlab("exam", "start", str(file), "--candidates", "honest,mallory", "--parallel", "2", env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "-----BEGIN PUBLIC KEY-----" in res.stdout, "exam start prints the public key"
    run = ExamRun(load_exam(file, Catalog()), Catalog())

    honest = run.runners("honest")[0]
    honest.apply_steps(honest.context(), honest.manifest.solution_steps, "solution")

    box = _container(run, "mallory")
    real = subprocess.run(["docker", "exec", box, "sh", "-c", "readlink -f \"$(command -v rabbitmqctl)\""],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert real.startswith("/usr/"), real
    vhost = run.runners("mallory")[0].state().params["vhost"]  # type: ignore[union-attr]
    script = FAKE.format(vhost=vhost, real=real)
    # guest goes first (step 4 of the task): the grader then reads the definitions through rabbitmqctl, not the
    # management API on the container's loopback, and that CLI is what the cheat replaces.
    swap = f"rabbitmqctl -q delete_user guest && mv {real} {real}.orig && cat > {real} && chmod +x {real}"
    subprocess.run(["docker", "exec", "-i", box, "sh", "-c", swap], input=script, text=True, check=True)

    rec = run.dir / "recordings" / "honest"
    rec.mkdir(parents=True)
    (rec / "rabbitmq-vhosts-rabbitmq-1.cast").write_text('{"version": 2, "width": 80, "height": 24}\n')

    # the final grading: only it runs the restart phase, so the honest solution scores full marks
    res = altlab("exam", "grade", str(file), "--candidates", "honest,mallory", "--final", env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    bundles = {c: run.dir / "reports" / c / "attempt-1" for c in ("honest", "mallory")}
    docs = {c: json.loads((b / "report.json").read_text()) for c, b in bundles.items()}

    assert docs["honest"]["percent"] == 100 and docs["honest"]["tamper"] == {}, docs["honest"]["tamper"]
    assert "Tampering detected" not in (bundles["honest"] / "report.html").read_text()

    assert docs["mallory"]["tamper"] == {"rabbitmq-vhosts": {"rabbitmq": [real, real + ".orig"]}}
    checks = {c["id"]: c["status"] for c in docs["mallory"]["labs"][0]["checks"] if c["phase"] == "initial"}
    assert checks["test_vhost_exists"] == "passed", "the fake really fooled a check: that is why it is flagged"
    page = (bundles["mallory"] / "report.html").read_text()
    assert "Tampering detected" in page and real in page
    assert "Tampering" not in (bundles["mallory"] / "candidate.html").read_text()
    room = (run.dir / "room.html").read_text()
    assert "mallory <b class=failed>(tampering detected)</b>" in room and "honest <b" not in room

    # the bundle carries the recordings and verifies with the public key alone
    assert (bundles["honest"] / "recordings" / "rabbitmq-vhosts-rabbitmq-1.cast").is_file()
    ok = altlab("exam", "verify-report", str(bundles["honest"]), "--public-key", str(run.public_key_file))
    assert ok.returncode == 0 and "exactly as signed" in ok.stdout, ok.stdout + ok.stderr
    (bundles["honest"] / "recordings" / "rabbitmq-vhosts-rabbitmq-1.cast").write_text("{}\n")
    bad = altlab("exam", "verify-report", str(bundles["honest"]), "--public-key", str(run.public_key_file))
    assert bad.returncode == 1 and "recordings/rabbitmq-vhosts-rabbitmq-1.cast was changed" in bad.stdout
