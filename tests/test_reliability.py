"""Bad input gets one clear line and loses nothing; names never collide; state stays private (no Docker)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pytest_altlab.errors import AltlabError, ManifestError
from pytest_altlab.exams.manifest import candidate_instance
from pytest_altlab.instance import InstanceState, project_name, validate_instance

from .conftest import TEST_LABS, altlab

EXAM = str(Path(__file__).parent / "exams" / "probe-exam.yaml")
L = ("--lab-dir", str(TEST_LABS))


def one_clear_line(res) -> str:
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    return res.stderr


def test_candidate_instances_are_injective_even_for_long_ids() -> None:
    long_exam = "e" + "x" * 40
    a, b = "c" * 27 + "1", "c" * 27 + "2"
    names = {candidate_instance(long_exam, a), candidate_instance(long_exam, b),
             candidate_instance("a-b", "c"), candidate_instance("a", "b-c")}
    assert len(names) == 4, names
    for n in names:
        assert validate_instance(n) == n
    assert project_name("probe", candidate_instance(long_exam, a)) != project_name("probe", candidate_instance(
        long_exam, b))


def test_a_manifest_error_quotes_a_bounded_value() -> None:
    e = ManifestError("lab.yaml", "title", "x" * 100_000, "a short string")
    assert len(str(e)) < 400 and "more characters" in str(e)


@pytest.mark.parametrize("argv, words", [
    (("start", "probe", "--timeout", "nan"), "not a finite number"),
    (("start", "probe", "--port", "nosuch:80=15999"), "has no service 'nosuch'"),
    (("start", "probe", "--port", "box:80=99999"), "from 1 to 65535"),
    (("exam", "start", EXAM, "--candidates", "a", "--minutes", "inf"), "not a finite number"),
    (("exam", "stop", EXAM, "--candidates", ","), "names no candidate"),
    (("exam", "stop", EXAM, "--candidates", "ghost"), "has not been started"),
    (("exam", "grade", EXAM, "--candidates", "ghost"), "has not been started"),
    (("verify", "--all", "--jobs", "0"), "take a number >= 1"),
])
def test_bad_command_lines_get_one_clear_error(argv: tuple[str, ...], words: str, tmp_path: Path) -> None:
    home = {"ALTLAB_HOME": str(tmp_path / "home")}
    err = one_clear_line(altlab(*L, *argv, env=home))
    assert words in err, err
    assert not (tmp_path / "home" / "exams").exists(), "a refused command writes no exam state"


def test_a_state_folder_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "not-a-folder"
    f.write_text("x")
    err = one_clear_line(altlab("progress", env={"ALTLAB_HOME": str(f)}))
    assert "cannot be used" in err and "ALTLAB_HOME" in err


def test_state_files_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALTLAB_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir(mode=0o755)
    os.chmod(tmp_path / "home", 0o755)
    st = InstanceState(lab_id="probe", instance="default", project=project_name("probe", "default"),
                       flavour="debian", seed=None, params={"token": "s3cret"})
    st.save()
    assert stat.S_IMODE((st.dir / "state.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(st.dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "home").stat().st_mode) == 0o700, "a loose state folder is tightened"


def test_exam_id_errors_are_altlab_errors() -> None:
    with pytest.raises(AltlabError):
        candidate_instance("exam", "Bad Id")
