"""`altlab new`: every template scaffolds a lab that lints clean and loads; bad input is one line; nginx verifies."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_altlab.cli import main
from pytest_altlab.lint import lint_lab
from pytest_altlab.manifest import load_manifest
from pytest_altlab.scaffold import TEMPLATES, known_services, target_folder, template_of

from .conftest import altlab

# Each template once (echo and mongodb through the generic one: a debian+upstream and an upstream-only service),
# and one lab joined from several templates.
CASES = {
    "rabbitmq": ["rabbitmq"],
    "postgres": ["postgres"],
    "nginx": ["nginx"],
    "generic-echo": ["echo"],
    "generic-mongodb": ["mongodb"],
    "joined": ["rabbitmq", "postgres", "nginx", "slapd"],
}


def _new(tmp_path: Path, lab_id: str, *services: str) -> tuple[int, Path]:
    argv = ["new", lab_id, "--lab-dir", str(tmp_path)] + [a for s in services for a in ("--service", s)]
    return main(argv), tmp_path / lab_id


def test_every_template_is_tried_here() -> None:
    templates = {p.name for p in TEMPLATES.iterdir() if (p / "lab.yaml").is_file()}
    assert templates == {template_of(s) for case in CASES.values() for s in case}
    assert set(known_services()) >= {"rabbitmq", "postgres", "nginx", "echo", "mongodb", "slapd"}


@pytest.mark.parametrize("services", CASES.values(), ids=CASES.keys())
def test_scaffold_lints_clean_and_loads(tmp_path: Path, services: list[str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    rc, lab = _new(tmp_path, "my-lab", *services)
    out = capsys.readouterr().out
    assert rc == 0
    errors = [f for f in lint_lab(lab) if f.severity == "error"]
    assert not errors, "\n".join(map(str, errors))
    assert not [f for f in lint_lab(lab)], "a scaffold should not even warn"
    m = load_manifest(lab)
    assert m.id == "my-lab"
    assert [s for s in services if s not in {x.name for x in m.services}] == []
    files = sorted(str(p.relative_to(lab)) for p in lab.rglob("*") if p.is_file())
    assert {"lab.yaml", "TASK.md", "SOLUTION.md"} <= set(files)
    assert [f for f in files if f.startswith("checks/test_") and f.endswith(".py")]
    assert not [f for f in files if f.endswith(".tmpl") or "@@" in f]
    leftover = [f for f in files if "@@" in (lab / f).read_text(encoding="utf-8")]
    assert not leftover, f"unrendered markers in {leftover}"
    # Every part brings one near-miss (naming the checks it must lose) and one alternative.
    kinds = sorted(v.kind for v in m.variants)
    assert kinds == sorted(["near-miss", "alternative"] * len(services))
    assert all(set(v.must_fail) <= m.check_ids for v in m.variants)
    assert "{{" in (lab / "TASK.md").read_text(encoding="utf-8")  # the task shows the lab's parameters
    for f in files:  # what was written is said, with the next commands
        assert f"  {f}" in out
    assert f"altlab verify my-lab --lab-dir {tmp_path}" in out


def test_upstream_only_service_gets_its_flavour(tmp_path: Path) -> None:
    _, lab = _new(tmp_path, "mongo-lab", "mongodb")
    assert load_manifest(lab).flavours == ("upstream",)
    _, lab = _new(tmp_path, "mixed-lab", "mongodb", "rabbitmq")
    assert load_manifest(lab).flavours == ("upstream",)


def test_joined_lab_numbers_steps_on_and_variants_solve_the_rest(tmp_path: Path) -> None:
    _, lab = _new(tmp_path, "joined", "rabbitmq", "echo")
    task = (lab / "TASK.md").read_text(encoding="utf-8")
    assert [line.split(".")[0] for line in task.splitlines() if line[:1].isdigit()] == ["1", "2", "3", "4", "5", "6"]
    assert "@pytest.mark.covers(4)" in (lab / "checks" / "test_echo.py").read_text(encoding="utf-8")
    m = load_manifest(lab)
    alt = next(v for v in m.variants if v.id == "echo-install-with-comment")
    assert [s.run.name for s in alt.steps] == ["solution-rabbitmq.sh", "echo-install-with-comment.sh"]
    assert [s.run.name for s in m.break_steps] == ["break-rabbitmq.py", "break-echo.sh"]


def test_existing_folder_is_refused_and_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "taken" / "checks").mkdir(parents=True)
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    rc, lab = _new(tmp_path, "taken", "rabbitmq")
    err = capsys.readouterr().err
    assert rc == 2
    assert f"{lab} already exists; nothing was written" in err
    assert sorted(p.name for p in lab.iterdir()) == ["checks", "notes.txt"]
    assert (lab / "notes.txt").read_text() == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary folder left behind"


@pytest.mark.parametrize("lab_id, services, says, hint", [
    ("Bad_Id", ["rabbitmq"], "'Bad_Id' is not a valid lab id", "lowercase"),
    ("x", ["rabbitmq"], "'x' is not a valid lab id", "e.g. 'rabbitmq-users'"),
    ("good-id", ["rabbit"], "unknown service 'rabbit'", "did you mean rabbitmq?"),
    ("good-id", ["nosuchthing"], "unknown service 'nosuchthing'", "known: "),
    ("good-id", ["nginx", "nginx"], "--service nginx is given twice", "once"),
])
def test_bad_input_is_one_line_and_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str], lab_id: str,
                                          services: list[str], says: str, hint: str) -> None:
    rc, _ = _new(tmp_path, lab_id, *services)
    err = capsys.readouterr().err
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2 and says in lines[0] and lines[1].startswith("  hint: ") and hint in lines[1], err
    assert list(tmp_path.iterdir()) == []


def test_bad_input_through_the_real_command_has_no_traceback(tmp_path: Path) -> None:
    res = altlab("new", "demo", "--service", "postgress", "--lab-dir", str(tmp_path))
    assert res.returncode == 2
    assert "did you mean postgres?" in res.stderr and "Traceback" not in res.stderr
    res = altlab("new", "demo", "--lab-dir", str(tmp_path))  # --service is required
    assert res.returncode == 2 and "--service" in res.stderr


def test_where_it_is_written(tmp_path: Path) -> None:
    env_dir, cwd = tmp_path / "env", tmp_path / "cwd"
    assert target_folder(["/a", "/b"], [env_dir], cwd) == Path("/a")
    assert target_folder([], [env_dir, Path("/b")], cwd) == env_dir
    assert target_folder([], [], cwd) == cwd  # no ./labs: the current folder
    (cwd / "labs").mkdir(parents=True)
    assert target_folder([], [], cwd) == cwd / "labs"


def test_labs_path_folder_needs_no_lab_dir_in_the_next_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ALTLAB_LABS_PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["new", "from-env", "--service", "nginx"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "from-env" / "lab.yaml").is_file()
    assert "  altlab lint from-env " in out and "--lab-dir" not in out
    # The catalog finds it as the next commands say: by id.
    assert main(["lint", "from-env"]) == 0


def test_current_folder_is_carried_as_lab_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ALTLAB_LABS_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["new", "here", "--service", "echo"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "here" / "lab.yaml").is_file()
    assert f"altlab start here --lab-dir {tmp_path}" in out  # this folder is not searched without it


@pytest.mark.docker
def test_scaffolded_nginx_lab_verifies(tmp_path: Path) -> None:
    # nginx rather than rabbitmq: measured once, its verify took 27 s, rabbitmq's 42 s.
    res = altlab("new", "scaffold-nginx", "--service", "nginx", "--lab-dir", str(tmp_path))
    assert res.returncode == 0, res.stderr
    res = altlab("verify", "scaffold-nginx", "--lab-dir", str(tmp_path), timeout=900)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "lab verified" in res.stdout
    assert "near-miss: headers-not-set: ok" in res.stderr
    assert "alternative: upstream-and-catch-all: ok" in res.stderr
