"""`altlab new`: write a lab folder from the service templates, complete enough to pass `altlab verify` as written.

A template is a lab folder under `templates/<service>/` (or `templates/generic/` for any other service of
compose/*.yaml) whose files are rendered by plain substitution of a few `@@NAME@@` markers: the lab id,
the service. `{{ param }}` placeholders stay for the lab's own parameters. Python files carry a `.tmpl`
suffix so that the package's linters and pytest never take a template for a module; it is dropped on
writing. With several services, merge.py joins one rendered template per service into one lab.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import AltlabError
from ..paths import compose_dir

__all__ = ["Scaffold", "known_services", "render_lab", "scaffold_lab", "target_folder", "template_of"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
GENERIC = "generic"
SUFFIX = ".tmpl"


@dataclass(frozen=True)
class Scaffold:
    """What `scaffold_lab` wrote: the lab folder and its files (relative paths, sorted)."""

    path: Path
    files: tuple[str, ...]
    templates: tuple[tuple[str, str], ...]  # (service, template used)


def known_services() -> list[str]:
    """Every shared service a lab can use: the stems of compose/*.yaml."""
    return sorted(p.stem for p in compose_dir().glob("*.yaml"))


def template_of(service: str) -> str:
    """The template a service is scaffolded from: its own where one exists, else the generic one."""
    return service if service != GENERIC and (TEMPLATES / service / "lab.yaml").is_file() else GENERIC


def target_folder(lab_dirs: list[str], env_path: list[Path], cwd: Path) -> Path:
    """Where a new lab goes: the first --lab-dir, else the first ALTLAB_LABS_PATH folder, else ./labs if
    it exists, else the current folder (the same order in which the catalog searches the user's folders)."""
    if lab_dirs:
        return Path(lab_dirs[0]).expanduser()
    if env_path:
        return env_path[0].expanduser()
    return cwd / "labs" if (cwd / "labs").is_dir() else cwd


def _check_input(lab_id: str, services: list[str]) -> None:
    from ..manifest import ID_RE

    if not ID_RE.match(lab_id):
        raise AltlabError(f"'{lab_id}' is not a valid lab id",
                          hint="a lowercase letter, then 1-62 lowercase letters, digits or '-', e.g. 'rabbitmq-users'")
    if not services:
        raise AltlabError("name at least one service: --service SERVICE", hint="known: " + ", ".join(known_services()))
    known = known_services()
    for s in services:
        if s not in known:
            close = difflib.get_close_matches(s, known, n=3, cutoff=0.5)
            mean = f"did you mean {', '.join(close)}? " if close else ""
            raise AltlabError(f"unknown service '{s}': there is no compose/{s}.yaml",
                              hint=f"{mean}known: {', '.join(known)}")
    dupes = sorted({s for s in services if services.count(s) > 1})
    if dupes:
        raise AltlabError(f"--service {dupes[0]} is given twice", hint="name each service once")


def _flavours(service: str) -> list[str]:
    from ..composefile import load_service_file
    from ..manifest import FLAVOURS

    images = load_service_file(service).images
    return [f for f in FLAVOURS if f in images]


def render_template(service: str, lab_id: str) -> dict[str, str]:
    """One template, rendered for this lab and service: {relative path: text}."""
    name = template_of(service)
    ident = service.replace("-", "_")
    marks = {"@@LAB@@": lab_id, "@@SERVICE@@": service, "@@SVC@@": ident, "@@SVC_UPPER@@": ident.upper(),
             "@@FLAVOURS@@": "[" + ", ".join(_flavours(service)) + "]"}
    out: dict[str, str] = {}
    root = TEMPLATES / name
    for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel, text = f.relative_to(root).as_posix(), f.read_text(encoding="utf-8")
        for mark, value in marks.items():
            rel, text = rel.replace(mark, value), text.replace(mark, value)
        out[rel.removesuffix(SUFFIX)] = text
    return out


def render_lab(lab_id: str, services: list[str]) -> dict[str, str]:
    """Every file of the new lab, in memory: one template as it is, or several merged into one lab."""
    _check_input(lab_id, services)
    parts = [(s, render_template(s, lab_id)) for s in services]
    if len(parts) == 1:
        return parts[0][1]
    from .merge import merge

    return merge(lab_id, parts)


def scaffold_lab(lab_id: str, services: list[str], parent: Path) -> Scaffold:
    """Write the lab folder `parent/lab_id`; an existing folder is never touched (refused, named)."""
    files = render_lab(lab_id, services)
    target = parent / lab_id
    if target.exists() or target.is_symlink():
        raise AltlabError(f"{target} already exists; nothing was written",
                          hint="choose another lab id or --lab-dir (an existing folder is never overwritten)")
    if parent.exists() and not parent.is_dir():
        raise AltlabError(f"{parent} is not a folder", hint="--lab-dir names the folder that holds your labs")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed into place: a failure half-way leaves no half lab behind.
        tmp = Path(tempfile.mkdtemp(prefix=f".{lab_id}.", dir=parent))
        try:
            for rel, text in files.items():
                f = tmp / rel
                f.parent.mkdir(parents=True, exist_ok=True)
                f.write_text(text, encoding="utf-8")
                f.chmod(0o755 if f.suffix == ".sh" else 0o644)
            tmp.chmod(0o755)
            os.rename(tmp, target)  # refuses a target that appeared meanwhile (POSIX: non-empty folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    except OSError as e:
        raise AltlabError(f"cannot write the lab folder {target}: {e.strerror or e}",
                          hint="choose a folder you can write with --lab-dir") from None
    return Scaffold(target, tuple(sorted(files)), tuple((s, template_of(s)) for s in services))
