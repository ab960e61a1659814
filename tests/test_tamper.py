"""Tamper detection on synthetic `docker diff` output: replaced binaries caught, ordinary work not flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_altlab.errors import ManifestError
from pytest_altlab.exams.reports import candidate_html, rollup_csv, rollup_html
from pytest_altlab.exams.tamper import declared_mounts, suspicious, tamper_html
from pytest_altlab.manifest import load_manifest

# What `docker diff` shows after the cheat: the replaced file and each of its parent directories as "C".
CHEAT = [("C", "/usr"), ("C", "/usr/lib"), ("C", "/usr/lib/rabbitmq"), ("C", "/usr/lib/rabbitmq/lib"),
         ("C", "/usr/lib/rabbitmq/lib/rabbitmq_server-4.0.5"),
         ("C", "/usr/lib/rabbitmq/lib/rabbitmq_server-4.0.5/sbin"),
         ("C", "/usr/lib/rabbitmq/lib/rabbitmq_server-4.0.5/sbin/rabbitmqctl")]
HONEST = [("C", "/etc"), ("C", "/etc/rabbitmq"), ("C", "/etc/rabbitmq/rabbitmq.conf"), ("C", "/root"),
          ("A", "/root/.bash_history"), ("C", "/tmp"), ("A", "/tmp/defs.json"), ("C", "/var/log/apt"),
          ("C", "/run"), ("A", "/run/rabbitmq.pid"), ("A", "/var/lib/rabbitmq/.erlang.cookie")]


def test_replaced_binary_is_named_once_without_its_parent_directories() -> None:
    assert suspicious(HONEST + CHEAT) == ["/usr/lib/rabbitmq/lib/rabbitmq_server-4.0.5/sbin/rabbitmqctl"]


def test_honest_work_is_not_flagged() -> None:
    assert suspicious(HONEST) == []
    assert suspicious([]) == []


@pytest.mark.parametrize("change", [
    ("A", "/usr/local/bin/rabbitmqctl"),    # earlier on PATH than the real one
    ("A", "/usr/local/sbin/pg_isready"),
    ("D", "/usr/bin/redis-cli"),             # removed, to make a check error out
    ("C", "/bin/sh"),
    ("A", "/lib/x86_64-linux-gnu/libfake.so"),
    ("C", "/lib64/ld-linux-x86-64.so.2"),
    ("A", "/opt/rabbitmq/sbin/rabbitmqctl"),
    ("C", "/etc/alternatives/psql"),
    ("A", "/etc/ld.so.preload"),             # a library loaded into every program
    ("A", "/sbin/ip"),
])
def test_each_program_or_library_path_is_protected(change: tuple[str, str]) -> None:
    assert suspicious([change]) == [change[1]]


def test_bytecode_caches_python_writes_itself_are_not_flagged() -> None:
    """nginx-ssl-termination's echo backend (python3 http.server) writes these on every start."""
    caches = [("C", "/usr/lib/python3.13"), ("C", "/usr/lib/python3.13/http"),
              ("A", "/usr/lib/python3.13/http/__pycache__"),
              ("A", "/usr/lib/python3.13/http/__pycache__/server.cpython-313.pyc"),
              ("A", "/usr/lib/python3.13/__pycache__/socketserver.cpython-313.pyc")]
    assert suspicious(caches) == []
    # but a module's source, a changed cache the image shipped, or a .pyc outside a cache folder is
    assert suspicious([("C", "/usr/lib/python3.13/http/server.py"),
                       ("C", "/usr/lib/python3/dist-packages/__pycache__/x.cpython-313.pyc"),
                       ("A", "/usr/lib/python3.13/evil.pyc")]) == [
        "/usr/lib/python3.13/evil.pyc", "/usr/lib/python3.13/http/server.py",
        "/usr/lib/python3/dist-packages/__pycache__/x.cpython-313.pyc"]


def test_the_engines_init_mount_point_is_not_flagged() -> None:
    """compose `init: true` (cutycapt) makes /usr/sbin/docker-init appear; the engine made it, not the candidate."""
    assert suspicious([("C", "/usr/sbin"), ("A", "/usr/sbin/docker-init")]) == []
    assert suspicious([("C", "/usr/sbin/docker-init")]) == ["/usr/sbin/docker-init"]


def test_a_directory_changed_alone_is_flagged() -> None:
    """chmod on /usr/sbin (no child changed) is not a parent-directory side effect."""
    assert suspicious([("C", "/usr/sbin")]) == ["/usr/sbin"]


def test_declared_writable_paths_and_volumes_are_allowed() -> None:
    plugin = [("C", "/usr/lib/rabbitmq/plugins"), ("A", "/usr/lib/rabbitmq/plugins/x.ez")]
    assert suspicious(plugin) == ["/usr/lib/rabbitmq/plugins/x.ez"]
    assert suspicious(plugin, writable=["/usr/lib/rabbitmq/plugins"]) == []
    assert suspicious(plugin, writable=["/usr/lib/rabbitmq/plugins/"]) == []
    # a prefix of a name is not a parent folder
    assert suspicious([("A", "/usr/lib/rabbitmq/plugins-evil/x")], writable=["/usr/lib/rabbitmq/plugins"]) \
        == ["/usr/lib/rabbitmq/plugins-evil/x"]


def test_an_undeclared_mount_over_program_paths_is_flagged() -> None:
    assert suspicious([], undeclared_mounts=["/usr/sbin", "/var/lib/extra"]) == ["/usr/sbin"]
    assert suspicious([], undeclared_mounts=["/"]) == ["/"]  # over everything
    assert suspicious([], undeclared_mounts=["/usr/sbin"], writable=["/usr/sbin"]) == []


def test_declared_mounts_read_short_and_long_syntax(tmp_path: Path) -> None:
    f = tmp_path / "compose.yaml"
    f.write_text("services:\n  db:\n    volumes:\n      - data:/var/lib/postgresql/data\n"
                 "      - ./conf:/etc/postgresql:ro\n      - {type: volume, source: x, target: /srv}\n")
    assert declared_mounts(f, "db") == ["/var/lib/postgresql/data", "/etc/postgresql", "/srv"]
    assert declared_mounts(f, "other") == [] and declared_mounts(tmp_path / "none.yaml", "db") == []


def _lab(tmp_path: Path, extra: str) -> Path:
    d = tmp_path / "mylab"
    d.mkdir()
    (d / "lab.yaml").write_text(f"id: mylab\ntitle: T\n{extra}")
    (d / "checks").mkdir()  # a lab needs checks to load
    (d / "checks" / "test_x.py").write_text("import pytest\n\n\n@pytest.mark.points(1)\ndef test_x(lab):\n    pass\n")
    return d


def test_lab_yaml_writable_per_lab_and_per_service(tmp_path: Path) -> None:
    m = load_manifest(_lab(tmp_path, "writable: [/opt/app/cache]\nservices:\n"
                                     "  rabbitmq: {use: rabbitmq, writable: [/usr/lib/rabbitmq/plugins]}\n"))
    assert m.writable == ("/opt/app/cache",)
    assert m.service("rabbitmq").writable == ("/usr/lib/rabbitmq/plugins",)


def test_lab_yaml_writable_must_be_absolute(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as e:
        load_manifest(_lab(tmp_path, "services:\n  box: {use: box, writable: [etc/app]}\n"))
    assert "services.box.writable[0]" in str(e.value) and "'etc/app'" in str(e.value)


def _doc(**extra: object) -> dict:
    return {"exam": {"title": "E", "id": "e"}, "candidate": "mallory", "finished_at": "now", "percent": 100.0,
            "pass_mark": 50.0, "passed": True, "labs": [], **extra}


def test_proctor_report_shows_the_paths_and_the_candidate_view_does_not() -> None:
    doc = _doc(tamper={"rabbitmq-vhosts": {"rabbitmq": ["/usr/sbin/rabbitmqctl"]}})
    proctor = candidate_html(doc, proctor=True)
    assert "Tampering detected" in proctor and "<code>/usr/sbin/rabbitmqctl</code>" in proctor
    assert "rabbitmq-vhosts / rabbitmq" in proctor
    assert "Tampering" not in candidate_html(doc, proctor=False)
    assert tamper_html(_doc(tamper={})) == "" and "Tampering" not in candidate_html(_doc(tamper={}))
    assert "Not compared" in tamper_html(_doc(tamper={}, tamper_unchecked={"lab/svc": "not running"}))


def test_the_room_marks_a_tampered_candidate_in_html_only() -> None:
    docs = [_doc(tamper={"lab": {"svc": ["/usr/bin/x"]}}), {**_doc(tamper={}), "candidate": "honest"}]
    page = rollup_html("E", docs)
    assert "mallory <b class=failed>(tampering detected)</b>" in page and "honest <b" not in page
    assert "tampering" not in rollup_csv(docs)  # the CSV keeps its columns for whoever imports it
