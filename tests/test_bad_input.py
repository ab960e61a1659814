"""A standing, generated suite of bad input: broken lab files, exam files and command lines. Each case must end
with exit code 2 and one clear error line naming the file, the field and the value: never a traceback.

Commands run in-process through `pytest_altlab.cli.main` (fast); a sample runs as a real subprocess too."""

from __future__ import annotations

import copy
import math
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_altlab.cli import main

from .conftest import TEST_LABS, altlab

PROBE = TEST_LABS / "probe"
BASE: dict[str, Any] = yaml.safe_load((PROBE / "lab.yaml").read_text())
EXAM_BASE: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "exams" / "probe-exam.yaml").read_text())
INF, NAN = math.inf, math.nan
STEP_BAD = ["nope.sh", "../../x.py", "/etc/passwd", "TASK.md", "checks", 5, [5],
            {"run": "break.sh", "servce": "box"}, {"run": "break.sh", "service": "nosuch"},
            {"run": "variants/from_host.py", "service": "box"}, {"run": "break.sh", "user": 5}, {"rn": "break.sh"}]

# (case id, field path as the error names it, change to lab.yaml as {key: value}; None deletes the key)
LAB_CASES: list[tuple[str, str, dict[str, Any]]] = []


def lab_case(field: str, change: dict[str, Any], name: str | None = None) -> None:
    LAB_CASES.append((name or f"{field}={list(change.values())[0]!r}"[:60], field, change))


for value in (None, "", "Bad_Id", 5, ["x"], "other-name", "a"):
    lab_case("id", {"id": value})
for value in (None, "", "  ", 5, [], {"a": 1}):
    lab_case("title", {"title": value})
for value in (0, -1, "abc", 1.5, True, [1], None):
    lab_case("version", {"version": value})
for value in (0, -5, "x", 10**9, True, INF, NAN, None, [30]):
    lab_case("time_limit", {"time_limit": value})
for value in (-1, 101, "x", NAN, INF, True, None):
    lab_case("pass_mark", {"pass_mark": value})
for value in ([], ["windows"], 5, [""], [None], {"debian": 1}):
    lab_case("flavours", {"flavours": value})
for value in (5, {"windows": "x"}, {"debian": 5}, ["debian"]):
    lab_case("flavour_notes", {"flavour_notes": value})
for value in (None, {}, 5, "box", {"Bad": {}}, {"box": 5}, {"box": {"use": "Bad"}}, {"box": {"uses": "box"}},
              {"box": {"use": "box", "compose": 5}}, {"box": {"use": "box", "composee": {}}}):
    lab_case("services", {"services": value})
for value in (5, "x", [1], {"Bad": 1}, {"x": {"generate": "nope"}}, {"x": {}}, {"x": {"default": [1]}},
              {"x": {"default": "a", "length": 2}}, {"x": {"default": "a", "length": 99}},
              {"x": {"default": "a", "secret": "yes"}}, {"x": {"default": "a", "secrett": True}},
              {"x": {"default": "a", "genrate": "hex"}}, {"x": {"default": "a", "length": True}}, {"x": None}):
    lab_case("parameters", {"parameters": value})
for key in ("break", "solution", "reset"):
    for value in STEP_BAD:
        lab_case(key, {key: value})
for value in (5, "x", [5], [{"text": "x", "costs": 1}], [{"text": ""}], [{"text": "x", "cost": -1}],
              [{"text": "x", "cost": INF}], [{"text": "x", "cost": NAN}], [{"cost": 1}], [{"text": "x", "cost": "1"}]):
    lab_case("hints", {"hints": value})
for value in ("nosuch", 5, ["box", "nosuch"], [None]):
    lab_case("restart", {"restart": value})
for value in ("sometimes", 5, None, ["restart"]):
    lab_case("restart_mode", {"restart_mode": value})
for value in (0, -1, "x", INF, NAN, 99999, True):
    lab_case("check_timeout", {"check_timeout": value})
V = {"id": "vv", "kind": "near-miss", "run": "variants/wrong.sh", "must_fail": ["test_answer_file"]}
for name, variant in {
    "kind": {**V, "kind": "odd"}, "no-must-fail": {k: v for k, v in V.items() if k != "must_fail"},
    "must-fail-nosuch": {**V, "must_fail": ["test_nosuch"]}, "must-fail-typo": {**V, "must_fail": ["test_answer_fil"]},
    "persistance": {**V, "persistance": False}, "persistence-str": {**V, "persistence": "no"},
    "bad-id": {**V, "id": "Bad Id"}, "run-outside": {**V, "run": "../probe/../x.sh"},
    "run-abs": {**V, "run": "/bin/sh"},
    "run-missing": {**V, "run": "variants/nope.sh"}, "descriptin": {**V, "descriptin": "x"}, "not-a-mapping": 5,
    "must-fail-int": {**V, "must_fail": 5},
}.items():
    lab_case("variants", {"variants": [variant]}, f"variants-{name}")
lab_case("variants", {"variants": [V, V]}, "variants-duplicate-id")
lab_case("variants", {"variants": 5}, "variants-not-a-list")
for key in ("secrett", "uses", "servce", "costs", "persistance", "titel", "hint", "check-timeout", "variant"):
    lab_case(key, {key: True}, f"unknown-key-{key}")
lab_case("schema", {"schema": 2})


def write_lab(root: Path, doc: dict[str, Any] | None = None, raw: bytes | None = None) -> Path:
    lab = root / "probe"
    shutil.copytree(PROBE, lab)
    if raw is not None:
        (lab / "lab.yaml").write_bytes(raw)
    elif doc is not None:
        (lab / "lab.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return lab


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as e:  # argparse's own usage errors
        code = int(e.code or 0)
    out = capsys.readouterr()
    return code, out.err


def assert_one_clear_error(code: int, err: str, *words: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err and "INTERNALERROR" not in err, err
    line = next((ln for ln in err.splitlines() if "error" in ln), "")
    assert line, err
    for w in words:
        assert w in err, f"{w!r} not in {err!r}"
    return line


@pytest.mark.parametrize("name, field, change", LAB_CASES, ids=[c[0] for c in LAB_CASES])
def test_bad_lab_yaml(name: str, field: str, change: dict[str, Any], tmp_path: Path,
                      capsys: pytest.CaptureFixture[str]) -> None:
    doc = copy.deepcopy(BASE)
    for k, v in change.items():
        if v is None and k in ("id", "title", "services"):
            doc.pop(k, None)
        else:
            doc[k] = v
    write_lab(tmp_path, doc)
    code, err = run_cli(capsys, "--lab-dir", str(tmp_path), "task", "probe")
    line = assert_one_clear_error(code, err, "lab.yaml", f"field '{field}")
    assert "is not valid" in line
    if name.startswith("unknown-key-") and field in ("titel", "hint", "variant", "check-timeout"):
        assert "did you mean" in err


NESTED = [("parameters.token.secrett",
           {"parameters": {**BASE["parameters"], "token": {"default": "x", "secrett": True}}}, "did you mean 'secret'"),
          ("services.box.uses", {"services": {"box": {"uses": "box"}}}, "did you mean 'use'"),
          ("break.servce", {"break": {"run": "break.sh", "servce": "box"}}, "did you mean 'service'"),
          ("hints[0].costs", {"hints": [{"text": "x", "costs": 1}]}, "did you mean 'cost'"),
          ("variants[0].persistance", {"variants": [{**V, "persistance": False}]}, "did you mean 'persistence'"),
          ("variants[0].must_fail[0]", {"variants": [{**V, "must_fail": ["test_answer_fil"]}]},
           "did you mean 'test_answer_file'")]


@pytest.mark.parametrize("field, change, hint", NESTED, ids=[n[0] for n in NESTED])
def test_nested_mistakes_name_the_field_and_the_likely_fix(field: str, change: dict[str, Any], hint: str,
                                                           tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_lab(tmp_path, {**copy.deepcopy(BASE), **change})
    code, err = run_cli(capsys, "--lab-dir", str(tmp_path), "task", "probe")
    assert_one_clear_error(code, err, f"field '{field}'", hint)


RAW = {
    "duplicate-key": (b"id: probe\ntitle: a\ntitle: b\nservices: {box: {use: box}}\n", "given twice"),
    "duplicate-nested": (b"id: probe\ntitle: a\nservices: {box: {use: box, use: box}}\n", "given twice"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", "binary"),
    "utf16": ("id: probe\ntitle: a\n".encode("utf-16"), "UTF-16"),
    "latin1": (b"id: probe\ntitle: caf\xe9\n", "UTF-8"),
    "nested-3000": (b"id: probe\nx: " + b"[" * 3000 + b"]" * 3000 + b"\n", "nesting"),
    "nested-mapping-3000": (b"id: probe\nx: " + b"{a: " * 3000 + b"1" + b"}" * 3000 + b"\n", "nesting"),
    "invalid-yaml": (b"id: probe\ntitle: [unclosed\n", "valid YAML"),
    "tab-indent": (b"id: probe\nservices:\n\tbox: {}\n", "valid YAML"),
    "empty": (b"", "a mapping"),
    "list": (b"- id: probe\n", "a mapping"),
    "scalar": (b"just text\n", "a mapping"),
    "alias-bomb": (b"a: &a ['x','x','x','x','x','x','x','x','x']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                   b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nid: probe\n", "is not valid"),
    "python-tag": (b"id: !!python/object/apply:os.system ['true']\n", "valid YAML"),
}


@pytest.mark.parametrize("name", sorted(RAW))
def test_unreadable_lab_yaml(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw, words = RAW[name]
    write_lab(tmp_path, raw=raw)
    code, err = run_cli(capsys, "--lab-dir", str(tmp_path), "task", "probe")
    assert_one_clear_error(code, err, "lab.yaml", words)


CHECKS = {
    "missing-folder": (None, "checks/"),
    "empty-folder": ({}, "at least one checks/test_*.py"),
    "syntax-error": ({"test_a.py": b"def test_a(:\n"}, "valid Python"),
    "non-utf8": ({"test_a.py": b"# caf\xe9\ndef test_a(): pass\n"}, "UTF-8 Python"),
    "negative-points": ({"test_a.py": b"import pytest\n@pytest.mark.points(-1)\ndef test_a(): pass\n"}, "points"),
    "inf-points": ({"test_a.py": b"import pytest\n@pytest.mark.points(1e999)\ndef test_a(): pass\n"}, "points"),
    "str-points": ({"test_a.py": b"import pytest\n@pytest.mark.points('2')\ndef test_a(): pass\n"}, "points"),
    "conftest-syntax": ({"test_answer.py": (PROBE / "checks" / "test_probe.py").read_bytes(),
                         "conftest.py": b"import (\n"}, "conftest.py"),
    "null-bytes": ({"test_a.py": b"def test_a(): pass\n\x00\n"}, "checks/test_a.py"),
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_bad_checks_folder(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files, words = CHECKS[name]
    lab = write_lab(tmp_path)
    shutil.rmtree(lab / "checks")
    doc = copy.deepcopy(BASE)
    doc.pop("variants")
    (lab / "lab.yaml").write_text(yaml.safe_dump(doc))
    if files is not None:
        (lab / "checks").mkdir()
        for fname, data in files.items():
            (lab / "checks" / fname).write_bytes(data)
    code, err = run_cli(capsys, "--lab-dir", str(tmp_path), "task", "probe")
    assert_one_clear_error(code, err, "lab.yaml", words)


@pytest.mark.parametrize("target", ["/etc/passwd", "../outside.sh", "../../outside.py"])
def test_a_step_linked_out_of_the_lab_is_refused(target: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    lab = write_lab(tmp_path)
    (tmp_path / "outside.sh").write_text("true\n")
    (lab / "break.sh").unlink()
    os.symlink(target, lab / "break.sh")
    code, err = run_cli(capsys, "--lab-dir", str(tmp_path), "task", "probe")
    assert_one_clear_error(code, err, "field 'break.run'", "inside the lab folder")


def test_one_broken_lab_never_hides_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_lab(tmp_path)
    for name, raw in (("bin", b"\xff\xfe\x00\x01"), ("deep", b"x: " + b"[" * 3000 + b"]" * 3000)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "lab.yaml").write_bytes(raw)
    (tmp_path / "syntax").mkdir()
    shutil.copytree(PROBE / "checks", tmp_path / "syntax" / "checks")
    (tmp_path / "syntax" / "checks" / "test_bad.py").write_text("def test_x(:\n")
    (tmp_path / "syntax" / "lab.yaml").write_text("id: syntax\ntitle: x\nservices: {box: {}}\n")
    code = main(["list", "--lab-dir", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 0 and "probe" in out.out and "Traceback" not in out.err
    for name in ("bin", "deep", "syntax"):
        assert f"{tmp_path / name / 'lab.yaml'}" in out.err
    assert "BROKEN" in out.out


EXAM_CASES: list[tuple[str, str, Any]] = []
for key, values in {
    "version": ["abc", [1], None, 0, -1, 1.5, True], "id": [None, "Bad Id", 5, "x"], "title": [None, "", 5],
    "time_limit": [0, -1, NAN, INF, "x", None, 99999], "pass_mark": [200, -1, NAN, "x"],
    "labs": [None, [], 5, "probe", [5], [{"lab": "nosuch"}], [{"lab": "probe"}, {"lab": "probe"}],
             [{"lab": "probe", "wieght": 2}], [{"lab": "probe", "weight": -1}], [{"lab": "probe", "weight": 0}],
             [{"lab": "probe", "weight": INF}], [{"lab": "probe", "weight": "1"}], [{"lab": "probe", "hidden": 5}],
             [{"lab": "probe", "hidden": ["test_nosuch"]}], [{"lab": "probe", "hidden": ["test_answer_fil"]}],
             [{"lab": "probe", "hiden": []}], [{"lab": ["probe"]}]],
    "wieght": [1], "candidates": [["a"]], "time-limit": [30],
}.items():
    for value in values:
        EXAM_CASES.append((f"{key}={value!r}"[:50], key, value))


@pytest.mark.parametrize("name, key, value", EXAM_CASES, ids=[c[0] for c in EXAM_CASES])
def test_bad_exam_yaml(name: str, key: str, value: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {**copy.deepcopy(EXAM_BASE), key: value}
    if value is None and key != "version":  # a missing required field; `version: null` stays
        doc.pop(key)
    f = tmp_path / "exam.yaml"
    f.write_text(yaml.safe_dump(doc))
    code, err = run_cli(capsys, "--lab-dir", str(TEST_LABS), "exam", "status", str(f))
    assert_one_clear_error(code, err, "exam.yaml", f"field '{key}")


@pytest.mark.parametrize("raw, words", [(b"id: a\nid: b\n", "given twice"), (b"\x00\x01\x02", "binary"),
                                        ("id: x\n".encode("utf-16"), "UTF-16"), (b"[" * 3000, "nesting"),
                                        (b"labs: [", "valid YAML")], ids=["dup", "binary", "utf16", "deep", "yaml"])
def test_unreadable_exam_yaml(raw: bytes, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "exam.yaml"
    f.write_bytes(raw)
    code, err = run_cli(capsys, "--lab-dir", str(TEST_LABS), "exam", "status", str(f))
    assert_one_clear_error(code, err, "exam.yaml", words)


EXAM = str(Path(__file__).parent / "exams" / "probe-exam.yaml")
CLI_CASES: list[tuple[str, list[str], str]] = []
for cmd in ("start", "status", "task", "grade", "stop", "restart", "resume", "logs", "reset", "apply", "workspace",
            "shell", "hint", "solution"):
    CLI_CASES.append((f"{cmd}-unknown-lab", [cmd, "nosuch-lab"], "unknown lab"))
    CLI_CASES.append((f"{cmd}-bad-instance", [cmd, "probe", "--instance", "Bad Name"], "instance name"))
    CLI_CASES.append((f"{cmd}-typo-lab", [cmd, "prob"], "did you mean probe"))
for value in ("nan", "inf", "0", "-1", "abc", "1e999", ""):
    CLI_CASES.append((f"start-timeout-{value}", ["start", "probe", "--timeout", value], "--timeout"))
    CLI_CASES.append((f"exam-minutes-{value}", ["exam", "start", EXAM, "--candidates", "a", "--minutes", value],
                      "--minutes"))
for value in ("box", "box:80", "box:x=1", "nosuch:80=15999", "box:80=99999", "box:0=1", ":80=1", "box:80=-1"):
    CLI_CASES.append((f"port-{value}", ["start", "probe", "--port", value], "--port"))
for argv, words in (
    (["exam", "stop", EXAM, "--candidates", ","], "names no candidate"),
    (["exam", "start", EXAM, "--candidates", ","], "names no candidate"),
    (["exam", "start", EXAM, "--candidates", "Bad Id"], "candidate id"),
    (["exam", "start", EXAM, "--candidates", "x" * 40], "candidate id"),
    (["exam", "start", EXAM], "no candidates given"),
    (["exam", "start", EXAM, "--candidates-file", "/nonexistent/c.txt"], "cannot be read"),
    (["exam", "start", EXAM, "--candidates-file", "/"], "cannot be read"),
    (["exam", "start", EXAM, "--candidates-file", sys.executable], "cannot be read"),
    (["exam", "grade", EXAM, "--candidates", "ghost"], "has not been started"),
    (["exam", "status", EXAM], "has not been started"),
    (["exam", "sheet", EXAM, "ghost"], "has not been started"),
    (["exam", "restart-candidate", EXAM, "ghost"], "has not been started"),
    (["exam", "verify-report", "/nonexistent", "--exam", EXAM], "has not been started"),
    (["exam", "verify-report", "/nonexistent", "--key-file", "/nonexistent/key"], "cannot be read"),
    (["exam", "verify-report", "/nonexistent"], "name the exam"),
    (["exam", "status", "nosuch-exam"], "unknown exam"),
    (["exam", "status", "/nonexistent/e.yaml"], "unknown exam"),
    (["exam", "nosuch"], "invalid choice"),
    (["nosuch"], "invalid choice"),
    (["start"], "required"),
    (["start", "probe", "--flavour", "windows"], "invalid choice"),
    (["--lab-dir", "/nonexistent", "list"], "does not exist"),
    (["list", "--lab-dir", "/nonexistent"], "does not exist"),
    (["start", "probe", "--flavour", "upstream", "--lab-dir", "/nonexistent"], "does not exist"),
    (["logs", "probe", "--tail", "x"], "invalid int"),
    (["watch", "probe", "--every", "nan"], "not a finite number"),
):
    CLI_CASES.append((" ".join(argv)[:50], argv, words))


@pytest.mark.parametrize("name, argv, words", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_bad_command_line(name: str, argv: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALTLAB_HOME", str(tmp_path / "home"))
    lab_dirs = [] if "--lab-dir" in argv else ["--lab-dir", str(TEST_LABS)]
    code, err = run_cli(capsys, *lab_dirs, *argv)
    assert_one_clear_error(code, err, words)
    assert not (tmp_path / "home" / "exams").exists(), "a refused command writes no exam state"


@pytest.mark.parametrize("home", ["/proc/altlab", "readonly"])
def test_a_state_folder_that_cannot_be_written(home: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    if home == "readonly":
        if os.geteuid() == 0:
            pytest.skip("root writes into a read-only folder")
        (tmp_path / "ro").mkdir(mode=0o500)
        home = str(tmp_path / "ro")
    monkeypatch.setenv("ALTLAB_HOME", home)
    code, err = run_cli(capsys, "progress")
    assert_one_clear_error(code, err, "ALTLAB_HOME")


SAMPLE = [LAB_CASES[0], LAB_CASES[len(LAB_CASES) // 2], LAB_CASES[-1]]


@pytest.mark.parametrize("name, field, change", SAMPLE, ids=[c[0] for c in SAMPLE])
def test_a_sample_as_a_real_command(name: str, field: str, change: dict[str, Any], tmp_path: Path) -> None:
    doc = {**copy.deepcopy(BASE), **change}
    if doc.get("id") is None:
        doc.pop("id", None)
    write_lab(tmp_path, doc)
    res = altlab("--lab-dir", str(tmp_path), "task", "probe", timeout=60)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"field '{field}" in res.stderr


def test_pytest_with_an_empty_lab_runs_no_plain_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain(): pass")
    res = pytester.runpytest_subprocess("--lab", "")
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    assert "needs a value" in res.stderr.str() and "1 passed" not in res.stdout.str()


def test_count() -> None:
    total = (len(LAB_CASES) + len(NESTED) + len(RAW) + len(CHECKS) + 3 + len(EXAM_CASES) + 5 + len(CLI_CASES))
    assert total >= 200, total
