"""`altlab lint`: each rule on a lab built in tmp_path; no Docker, check files never imported."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pytest_altlab.lint import Finding, lint_lab
from pytest_altlab.lint.taskdoc import parse_task

from .conftest import TEST_LABS, altlab

LAB_YAML = """\
id: good
title: A good lab
services:
  box: {use: box}
parameters:
  answer: {default: "42"}
  token: {default: s3cret, secret: true}
break: break.sh
solution: solution.sh
variants:
  - id: wrong
    kind: near-miss
    run: solution.sh
    must_fail: [test_answer]
    persistence: false
"""
TASK = """\
# A box

Fix the box. Its token is `{{ token }}`.

1. Write {{ answer }} into **/srv/answer**,
   and nothing else.
2. Everything must survive
a restart (a lazy continuation line).
"""
CHECKS = """\
import pytest


@pytest.mark.points(2)
@pytest.mark.covers(1)
def test_answer(lab):
    assert lab.params.answer


@pytest.mark.points(1)
@pytest.mark.covers(1, 2)
@pytest.mark.depends("test_answer")
def test_survives(lab):
    assert True
"""
FILES = {
    "lab.yaml": LAB_YAML, "TASK.md": TASK, "checks/test_good.py": CHECKS,
    "break.sh": "echo \"$TOKEN\" > /srv/token\n", "solution.sh": "true\n",
}
RULE_LINE = re.compile(r"^\S+:(line \d+|\S+): (error|warning): .+: .+")


def make_lab(root: Path, **files: str) -> Path:
    lab = root / "good"
    shutil.copytree(TEST_LABS / "probe" / "compose", lab / "compose")
    for name, text in {**FILES, **{k.replace("__", "/").replace("_DOT_", "."): v for k, v in files.items()}}.items():
        (lab / name).parent.mkdir(parents=True, exist_ok=True)
        (lab / name).write_text(text)
    return lab


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def test_a_good_lab_has_no_findings(tmp_path: Path) -> None:
    assert lint_lab(make_lab(tmp_path)) == []
    res = altlab("--lab-dir", str(tmp_path), "lint", "good")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "lint: 0 error(s), 0 warning(s) in 1 lab" in res.stdout


@pytest.mark.parametrize(("files", "where", "text"), [
    ({"TASK_DOT_md": TASK + "3. Also rotate the logs.\n"}, "line 9", "no check covers this step"),
    ({"checks__test_good_DOT_py": CHECKS + "\n\n@pytest.mark.points(1)\ndef test_extra(lab):\n    pass\n"},
     "line 18", "test_extra: covers no step of TASK.md"),
    ({"checks__test_good_DOT_py": CHECKS.replace("covers(1, 2)", "covers(2, 5)")}, "line 11",
     "test_survives: covers(5): step 5 does not exist"),
    ({"checks__test_good_DOT_py": CHECKS.replace("covers(1, 2)", "covers(2, 'x')")}, "line 11",
     "covers('x'): a covers argument is not a step number"),
    ({"checks__test_good_DOT_py": CHECKS.replace("@pytest.mark.points(2)\n", "")}, "line 5",
     "test_answer: has no @pytest.mark.points(n)"),
    ({"checks__test_good_DOT_py": CHECKS.replace("points(2)", "points(-1)")}, "line 4",
     "test_answer: points(-1): points must be a finite number >= 0"),
    ({"checks__test_good_DOT_py": CHECKS.replace("points(2)", "points(1e999)")}, "line 4",
     "points must be a finite number >= 0"),
    ({"checks__test_good_DOT_py": CHECKS.replace("points(2)", "points(POINTS)")}, "line 4",
     "test_answer: points(POINTS): the points are not a literal number"),
    ({"checks__test_good_DOT_py": CHECKS.replace('depends("test_answer")', 'depends("test_anwser")')},
     "line 12", "names no check of this lab (hint: did you mean 'test_answer'?"),
    ({"lab_DOT_yaml": LAB_YAML.replace("[test_answer]", "[test_anser]")}, "variants[0].must_fail[0]",
     "test_anser: names no check of this lab (hint: did you mean 'test_answer'?"),
    ({"TASK_DOT_md": TASK.replace("{{ answer }}", "{{ answr }}")}, "line 5",
     "{{ answr }}: names no parameter of lab.yaml (hint: did you mean 'answer'?"),
    ({"SOLUTION_DOT_md": "Write {{ secret }}.\n"}, "line 1", "{{ secret }}: names no parameter"),
    ({"lab_DOT_yaml": LAB_YAML.replace("{use: box}", "{use: boxx}")}, "services.box.use",
     "boxx: names no compose/<name>.yaml (hint: did you mean 'box'?"),
    ({"lab_DOT_yaml": LAB_YAML.replace("persistence: false", "persistance: false")}, "variants[0].persistance",
     "is not valid (hint: expected a known field (did you mean 'persistence'?"),
    ({"lab_DOT_yaml": LAB_YAML.replace("{use: box}", "{use: box, compose: {privileged: true}}")},
     "services.box.compose.privileged", "runs the container privileged"),
    ({"lab_DOT_yaml": LAB_YAML.replace(
        "{use: box}", "{use: box, compose: {volumes: ['/var/run/docker.sock:/var/run/docker.sock']}}")},
     "services.box.compose.volumes[0]", "mounts the Docker socket"),
    ({"lab_DOT_yaml": LAB_YAML.replace("{use: box}", "{use: box, compose: {volumes: ['../../etc:/host-etc']}}")},
     "services.box.compose.volumes[0]", "mounts a host path outside the lab folder"),
    ({"checks__test_good_DOT_py": CHECKS + "\ndef test_broken(:\n"}, "line 16", "not valid Python"),
    ({"lab_DOT_yaml": LAB_YAML.replace("  box: {use: box}", "  box: {use: box")}, "line 5", "not valid YAML"),
])
def test_each_bad_case_is_one_error(tmp_path: Path, files: dict[str, str], where: str, text: str) -> None:
    found = errors(lint_lab(make_lab(tmp_path, **files)))
    assert len(found) == 1, "\n".join(map(str, found))
    line = str(found[0])
    assert f":{where}: error: " in line and text in line, line
    assert "\n" not in line and RULE_LINE.match(line)


def test_an_uncovered_step_with_a_bold_requirement_names_both(tmp_path: Path) -> None:
    checks = CHECKS.replace("covers(1, 2)", "covers(1)")
    found = [str(f) for f in errors(lint_lab(make_lab(tmp_path, checks__test_good_DOT_py=checks,
                                                      TASK_DOT_md=TASK.replace("survive", "**survive**"))))]
    assert len(found) == 2, found
    assert "TASK.md:line 7: error: step 2: 2. Everything must" in found[0]
    assert "**survive**: bold requirement in step 2, which no check covers" in found[1]


def test_shared_compose_file_privileges_blame_the_compose_file(tmp_path: Path) -> None:
    box = (TEST_LABS / "probe" / "compose" / "box.yaml").read_text()
    bad = box.replace('    volumes: ["box-data:/srv"]',
                      '    privileged: true\n    volumes: ["/srv:/srv", "./files:/f"]')
    found = [str(f) for f in errors(lint_lab(make_lab(tmp_path, compose__box_DOT_yaml=bad)))]
    assert len(found) == 2, found
    assert found[0].startswith(str(tmp_path / "good" / "compose" / "box.yaml") + ":services.box.privileged: error")
    assert "services.box.volumes[0]: error: /srv:/srv: mounts a host path outside the lab folder" in found[1]


def test_an_unused_parameter_is_a_warning_only(tmp_path: Path) -> None:
    lab = make_lab(tmp_path, lab_DOT_yaml=LAB_YAML.replace("parameters:\n", "parameters:\n  spare: x\n"))
    found = lint_lab(lab)
    assert [(f.severity, f.where) for f in found] == [("warning", "parameters.spare")]
    res = altlab("--lab-dir", str(tmp_path), "lint", "good")
    assert res.returncode == 0 and "1 warning(s)" in res.stdout, res.stdout + res.stderr


def test_the_command_prints_one_line_per_finding_and_exits_1(tmp_path: Path) -> None:
    make_lab(tmp_path, lab_DOT_yaml=LAB_YAML.replace("[test_answer]", "[test_anser]").replace("{use: box}",
                                                                                              "{use: boxx}"),
             checks__test_good_DOT_py=CHECKS + "\ndef test_broken(:\n")
    res = altlab("--lab-dir", str(tmp_path), "lint", "good")
    assert res.returncode == 1
    assert "Traceback" not in res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert lines[-1] == "lint: 2 error(s), 0 warning(s) in 1 lab"  # must_fail is not judged: a file is unreadable
    assert all(RULE_LINE.match(x) for x in lines[:-1]), lines
    res = altlab("--lab-dir", str(tmp_path), "lint", str(tmp_path / "good"), "--json")
    assert res.returncode == 1
    assert {f["where"] for f in json.loads(res.stdout)} == {"line 16", "services.box.use"}


def test_unknown_lab_and_unknown_exam_are_one_line(tmp_path: Path) -> None:
    res = altlab("lint", "rabbitmq-vhost")
    assert res.returncode == 2 and res.stderr.startswith("altlab: error: unknown lab 'rabbitmq-vhost'")
    assert "did you mean rabbitmq-vhosts" in res.stderr and "Traceback" not in res.stderr


def test_exam_hidden_names_existing_checks(tmp_path: Path) -> None:
    make_lab(tmp_path)
    exam = tmp_path / "exam.yaml"
    exam.write_text("id: ex\ntitle: E\ntime_limit: 10\nlabs:\n  - {lab: good, hidden: [test_answer, test_survive]}\n")
    res = altlab("--lab-dir", str(tmp_path), "lint", "--exam", str(exam))
    assert res.returncode == 1, res.stdout + res.stderr
    # loading the exam names it already (one error, on the field), whichever rule saw it first
    assert f"{exam}:labs[0].hidden[1]: error: " in res.stdout and "test_survive" in res.stdout
    assert "did you mean 'test_survives'?" in res.stdout
    exam.write_text("id: ex\ntitle: E\ntime_limit: 10\nlabs:\n  - {lab: good, hiden: [test_answer]}\n")
    res = altlab("--lab-dir", str(tmp_path), "lint", "--exam", str(exam))
    assert res.returncode == 1, res.stdout
    assert ":labs[0].hiden: error: " in res.stdout and "did you mean 'hidden'?" in res.stdout


def test_all_lints_every_shipped_lab_without_a_traceback() -> None:
    res = altlab("--lab-dir", str(TEST_LABS), "lint", "--all")
    assert res.returncode in (0, 1) and "Traceback" not in res.stderr, res.stderr
    lines = res.stdout.splitlines()
    assert re.match(r"lint: \d+ error\(s\), \d+ warning\(s\) in \d+ labs, 1 exam\(s\)", lines[-1]), lines[-1]
    assert all(RULE_LINE.match(x) for x in lines[:-1])
    # Nothing shipped escapes its containers, names a missing check, or has a check without points.
    bad = re.compile(r": (mounts the Docker socket|runs the container privileged|mounts a host path|shares the host"
                     r"|names no check|names no compose|has no @pytest.mark.points|points must be|the points are not)")
    assert not [x for x in lines if bad.search(x)]


def test_task_steps_bold_and_placeholders_are_read_as_markdown_renders_them() -> None:
    doc = parse_task("""\
Intro with **a name**.

1. First step
   continues here, **indented**.

   Still step one after a blank line.
2. Second step
lazily continued with **bold that
wraps**.

Not a step: a paragraph with **outside**.

- a bullet with **bullet bold**
```
3. not a step: inside a fence, **not bold**, {{ filled }}
```
5. Third step, written as 5 (`**code**` is not bold)
""")
    assert [(s.number, s.written, s.line, s.end) for s in doc.steps] == [(1, 1, 3, 6), (2, 2, 7, 9), (3, 5, 17, 17)]
    assert [(b.text, b.line, b.step) for b in doc.bolds] == [
        ("a name", 1, None), ("indented", 4, 1), ("bold that wraps", 8, 2), ("outside", 11, None),
        ("bullet bold", 13, None)]
    assert [p.name for p in doc.placeholders] == ["filled"]


def test_step_written_out_of_order_is_a_warning(tmp_path: Path) -> None:
    found = lint_lab(make_lab(tmp_path, TASK_DOT_md=TASK.replace("2. Everything", "3. Everything")))
    assert [(f.severity, f.value) for f in found] == [("warning", "3.")]
    assert "is step 2" in found[0].message


def test_bold_text_outside_the_steps_is_a_warning_not_an_error(tmp_path: Path) -> None:
    found = lint_lab(make_lab(tmp_path, TASK_DOT_md=TASK.replace("Fix the box.", "Fix the **whole** box.")))
    assert not errors(found)
    assert any("**whole**: bold text outside the numbered steps" in str(f) and f.severity == "warning" for f in found)


def test_every_shipped_lab_and_exam_lints_clean() -> None:
    """Every numbered step of every shipped TASK.md is graded by a check that says so, and every check names
    its steps: `altlab lint --all` (shipped labs only) finds no error."""
    res = altlab("lint", "--all")
    assert res.returncode == 0, res.stdout[-3000:]
    assert re.search(r"lint: 0 error\(s\)", res.stdout)
