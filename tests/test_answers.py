"""lab.yaml `answers:` (what a candidate must find) and the leak check behind `altlab verify`: no Docker.

With Docker, tests/test_labs_verify.py runs `altlab verify` on every runnable lab, whose "no answer named"
phase grades the broken state and fails on any declared answer in its drill output. Here: the leak check
itself on made-up reports, the field's validation, and, for every lab (the upstream-only ones cannot be
verified here at all), that no message text written in its checks, no look line and no hint names one."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.errors import ManifestError, StepFailed
from pytest_altlab.leaks import drill_texts, find_leaks, leak_summary, render_answers
from pytest_altlab.manifest import LabManifest, load_manifest
from pytest_altlab.params import resolve_params

from .test_manifest import GOOD, write_lab

CATALOG = Catalog()
# Labs whose candidate must find or diagnose something; every other lab's TASK.md states each value it grades.
WITH_ANSWERS = ["clickhouse-partitions", "kvrocks-diagnostics", "linux-disk-space", "linux-network-triage",
                "mongodb-indexes-profiler", "rabbitmq-disk-alarm", "rabbitmq-queue-triage", "s3-endpoint-triage"]


def _report(message: str = "", look: str = "", status: str = "failed") -> dict[str, Any]:
    return {"lab": {"id": "demo", "title": "Demo"}, "instance": "verify", "pass_mark": 70, "hints": [],
            "checks": [{"id": "test_demo", "title": "The queue is capped", "points": 10, "status": status,
                        "phase": "initial", "message": message, "look": look}]}


def _lab(tmp_path: Path, **patch: Any) -> LabManifest:
    tmp_path.mkdir(exist_ok=True)
    return load_manifest(write_lab(tmp_path, {**GOOD, **patch}))


def test_a_message_naming_a_declared_answer_is_a_leak(tmp_path: Path) -> None:
    m = _lab(tmp_path, answers=["webhooks.retry", "{{ vhost }}-queue"])
    answers = render_answers(m, {"vhost": "crm-x1y2"})
    assert answers == ["webhooks.retry", "crm-x1y2-queue"]
    rep = _report("expected queue 'webhooks.retry' (vhost 'altcraft') capped; found no policy")
    leaks = find_leaks(drill_texts(m, rep), answers)
    assert [(x.where, x.value) for x in leaks] == [("check test_demo: message", "webhooks.retry")]
    assert "check test_demo: message names the answer 'webhooks.retry'" in leak_summary(leaks)
    look = find_leaks(drill_texts(m, _report(look="rabbitmqctl list_queues -p / | grep CRM-X1Y2-QUEUE")), answers)
    assert [x.value for x in look] == ["crm-x1y2-queue"]  # the look line counts, and case does not hide a name


def test_a_message_without_the_answer_passes(tmp_path: Path) -> None:
    m = _lab(tmp_path, answers=["webhooks.retry", "46180"])
    rep = _report("expected the piled-up queue (not named here until your answer file names it) capped; "
                  "found 1461800 messages in webhooks.retry2")  # longer values that merely contain one
    assert find_leaks(drill_texts(m, rep), render_answers(m, {})) == []


def test_the_table_and_the_hints_count_too(tmp_path: Path) -> None:
    m = _lab(tmp_path, answers=["Demo lab secret"], hints=[{"text": "look at webhooks.retry first", "cost": 1}])
    texts = drill_texts(m, _report())
    assert any(where == "grade table" and "The queue is capped" in text for where, text in texts)
    assert [x.where for x in find_leaks(texts, ["webhooks.retry"])] == ["hint 1"]
    titled = {**_report(), "lab": {"id": "demo", "title": "Demo lab secret"}}
    assert [x.where for x in find_leaks(drill_texts(m, titled), ["demo lab secret"])] == ["grade table"]


def test_computed_answers_come_from_the_running_lab(tmp_path: Path) -> None:
    d = write_lab(tmp_path, {**GOOD, "answers": [{"from": "answers.py"}, "fixed-one"]})
    (d / "answers.py").write_text("def answers(lab):\n    return [lab.params['vhost'] + '-culprit', 46180]\n")
    m = load_manifest(d)

    class Ctx:
        params = {"vhost": "crm"}

    assert render_answers(m, {}, Ctx()) == ["crm-culprit", "46180", "fixed-one"]  # type: ignore[arg-type]
    assert render_answers(m, {}) == ["fixed-one"]  # without a running lab: the declared texts only
    (d / "answers.py").write_text("def answers(lab):\n    return 'one string'\n")
    with pytest.raises(StepFailed, match="must return a list of strings"):
        render_answers(m, {}, Ctx())  # type: ignore[arg-type]


@pytest.mark.parametrize(("answers", "field", "value", "expected"), [
    ("webhooks.retry", "answers", "'webhooks.retry'", "a list of values"),
    ([""], "answers[0]", "''", "at least 3 characters"),
    (["ok", "fine-value"], "answers[0]", "'ok'", "at least 3 characters"),
    ([["a", "b"]], "answers[0]", "['a', 'b']", "a string"),
    (["{{ nope }}-x"], "answers[0]", "'{{ nope }}-x'", "placeholders naming declared parameters: pw, vhost"),
    (["{{ pw }}"], "answers[0]", "'{{ pw }}'", "no secret parameter"),
    ([{"from": "missing.py"}], "answers[0].from", "'missing.py'", "an existing file"),
    ([{"from": "break.sh"}], "answers[0].from", "'break.sh'", "a .py file"),
    ([{"form": "answers.py"}], "answers[0].form", "'answers.py'", "did you mean 'from'?"),
])
def test_answers_field_errors_name_file_field_value_and_expected(tmp_path: Path, answers: Any, field: str,
                                                                 value: str, expected: str) -> None:
    d = write_lab(tmp_path, {**GOOD, "answers": answers})
    with pytest.raises(ManifestError) as e:
        load_manifest(d)
    msg = str(e.value)
    assert str(d / "lab.yaml") in msg and f"field '{field}'" in msg and value in msg and expected in msg, msg


def test_answers_are_optional_and_numbers_are_text(tmp_path: Path) -> None:
    assert _lab(tmp_path / "a").answers == ()
    assert render_answers(_lab(tmp_path / "b", answers=[46180]), {}) == ["46180"]


def _shown_strings(f: Path) -> list[str]:
    """The text a candidate may read of a check file, as written: titles, look lines, assertion messages (the
    literal parts of f-strings), and what goes into a `problems` list or an AssertionError."""
    tree = ast.parse(f.read_text(encoding="utf-8"))
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and ast.get_docstring(node):
            roots.append(node.body[0])
        elif isinstance(node, ast.Assert) and node.msg is not None:
            roots.append(node.msg)
        elif isinstance(node, ast.Call) and (getattr(node.func, "attr", "") in ("look", "append")
                                             or getattr(node.func, "id", "") == "AssertionError"):
            roots += node.args
        elif isinstance(node, ast.Return) and node.value is not None and f.name == "conftest.py":
            roots.append(node.value)  # a label helper like culprit_label
    return [n.value for r in roots for n in ast.walk(r) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


@pytest.mark.parametrize("lab_id", WITH_ANSWERS)
def test_no_check_text_or_hint_of_the_lab_names_its_answers(lab_id: str) -> None:
    m = CATALOG.get(lab_id)
    assert m.answers, f"{lab_id} declares no answers"
    answers = render_answers(m, resolve_params(m))
    texts = [(f"hint {i}", h.text) for i, h in enumerate(m.hints, 1)]
    for f in sorted(m.checks_dir.rglob("*.py")):
        texts += [(f"{f.relative_to(m.path)}", s) for s in _shown_strings(f)]
    leaks = find_leaks(texts, answers)
    assert not leaks, leak_summary(leaks)


def test_every_lab_declaring_answers_is_listed_here() -> None:
    declared = sorted(m.id for m in CATALOG.all() if m.answers)
    assert declared == WITH_ANSWERS


@pytest.mark.docker
def test_verify_fails_a_lab_whose_broken_state_names_its_answer(tmp_path: Path) -> None:
    """The probe lab's message quotes the value /srv/answer must hold: declared an answer, verify fails on it;
    with the message saying only that the value is wrong, it passes."""
    import shutil

    from .conftest import TEST_LABS, altlab

    lab = tmp_path / "probe"
    shutil.copytree(TEST_LABS / "probe", lab)
    manifest = lab / "lab.yaml"
    manifest.write_text(manifest.read_text() + 'answers: ["{{ answer }}"]\n')
    answer = resolve_params(load_manifest(lab))["answer"]
    bad = altlab("--lab-dir", str(tmp_path), "verify", "probe", "--quick")
    assert bad.returncode == 1 and "lab NOT verified" in bad.stdout, bad.stdout + bad.stderr
    assert f"check test_answer_file: message names the answer '{answer}'" in bad.stdout, bad.stdout
    checks = lab / "checks" / "test_probe.py"
    checks.write_text(checks.read_text().replace(
        'f"expected /srv/answer to hold {lab.params.answer!r}; found {got!r}"',
        'f"expected /srv/answer to hold the answer; found {len(got)} characters of something else"'))
    good = altlab("--lab-dir", str(tmp_path), "verify", "probe", "--quick")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "no answer named: ok (none of 1 answer(s) named)" in good.stdout + good.stderr


def test_lint_names_a_hint_that_names_a_declared_answer(tmp_path: Path) -> None:
    from pytest_altlab.lint import lint_lab

    from .test_lint import LAB_YAML, make_lab

    leaky = LAB_YAML + 'answers: [culprit.queue]\nhints: [{text: "Purge Culprit.Queue first.", cost: 1}]\n'
    found = [str(f) for f in lint_lab(make_lab(tmp_path / "a", lab_DOT_yaml=leaky)) if f.severity == "error"]
    assert len(found) == 1 and "hints[0].text" in found[0] and "names a declared answer" in found[0], found
    fine = leaky.replace("Purge Culprit.Queue first.", "list_queues in every vhost shows which queue piles up.")
    assert [f for f in lint_lab(make_lab(tmp_path / "b", lab_DOT_yaml=fine)) if f.severity == "error"] == []
