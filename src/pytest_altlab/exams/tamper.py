"""Tamper detection: binaries or libraries a candidate changed in their containers (e.g. a fake rabbitmqctl)."""

from __future__ import annotations

import html
import posixpath
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from ..lab import LabRunner

__all__ = ["PROTECTED", "DEFAULT_WRITABLE", "suspicious", "declared_mounts", "scan", "tamper_html"]

# Where the programs a check runs, and what they load, live. A change here makes a check's evidence
# untrustworthy: the candidate is root in their containers and could make `rabbitmqctl` print anything.
PROTECTED = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/etc/alternatives",
             "/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ld.so.cache")
# Changed by services and by ordinary work in a shell; never a reason to distrust a check.
DEFAULT_WRITABLE = ("/tmp", "/run", "/var/run", "/var/log", "/var/tmp", "/root", "/home")

# Mount points the engine itself makes: `init: true` bind-mounts its tini there (read-only, from the host).
ENGINE_MADE = ("/sbin/docker-init", "/usr/sbin/docker-init")


def _under(path: str, prefixes: Iterable[str]) -> bool:
    for p in prefixes:
        p = p.rstrip("/") or "/"
        if p == "/" or path == p or path.startswith(p + "/"):
            return True
    return False


def suspicious(diff: Sequence[tuple[str, str]], writable: Iterable[str] = (),
               undeclared_mounts: Iterable[str] = ()) -> list[str]:
    """The changed paths that mark a grading as tampered, sorted; empty for an honest container.

    `diff` is the engine's (kind, path) list of the container against its image; `writable` the paths the
    lab declares it expects to change (its volumes among them); `undeclared_mounts` mount points the lab
    did not declare (a compose override could mount a fake /usr/sbin over the image's).
    """
    allowed = (*DEFAULT_WRITABLE, *writable)
    entries = [(k, posixpath.normpath(p)) for k, p in diff if p.startswith("/")]
    # A changed file shows its every parent directory as "C" too: only the deepest entry tells anything.
    parents = {posixpath.dirname(p) for _, p in entries}
    parents |= {a for p in list(parents) for a in _ancestors(p)}
    out = set()
    for kind, path in entries:
        if kind == "C" and path in parents:
            continue
        if kind == "A" and (_new_bytecode_cache(path) or path in ENGINE_MADE):
            continue
        if _under(path, PROTECTED) and not _under(path, allowed):
            out.add(path)
    for m in undeclared_mounts:
        m = posixpath.normpath(m)
        if (_under(m, PROTECTED) or any(_under(p, [m]) for p in PROTECTED)) and not _under(m, allowed):
            out.add(m)
    return sorted(out)


def _new_bytecode_cache(path: str) -> bool:
    """A __pycache__ folder or .pyc in one that Python wrote itself when a service imported a module.

    Any Python service does this (nginx-ssl-termination's echo backend writes ten of them). Only new
    ones pass: a cached file the image had and that changed is still flagged. What this lets through is
    a hand-crafted .pyc placed where none was; it needs the source's exact mtime and size in its header.
    """
    parts = path.split("/")
    return ("__pycache__" in parts[:-1] and parts[-1].endswith(".pyc")) or parts[-1] == "__pycache__"


def _ancestors(path: str) -> list[str]:
    out = []
    while path not in ("/", ""):
        path = posixpath.dirname(path)
        out.append(path)
    return out


def declared_mounts(compose_file: Path, service: str) -> list[str]:
    """Container paths of the volumes and bind mounts the lab's own compose file gives a service."""
    try:
        data = yaml.safe_load(compose_file.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return []
    out = []
    for v in ((data.get("services") or {}).get(service) or {}).get("volumes") or []:
        if isinstance(v, str):
            parts = v.split(":")
            out.append(parts[1] if len(parts) > 1 else parts[0])
        elif isinstance(v, dict) and v.get("target"):
            out.append(str(v["target"]))
    return out


def scan(runners: Sequence[LabRunner]) -> tuple[dict[str, dict[str, list[str]]], dict[str, str]]:
    """Compare every service container of these labs with its image, before grading touches anything.

    Returns ({lab: {service: [paths]}} for the tampered ones only, {"lab/service": why not checked}).
    """
    found: dict[str, dict[str, list[str]]] = {}
    unchecked: dict[str, str] = {}
    for r in runners:
        st = r.state()
        if st is None:
            unchecked[r.manifest.id] = "not running"
            continue
        backend = r.backend(st)
        for svc in [s.name for s in r.manifest.services]:
            try:
                diff = backend.diff(svc)
                mounts = [str(m.get("Destination", "")) for m in backend.inspect(svc).get("Mounts") or []]
            except Exception as e:  # a service we could not read is reported, never skipped silently
                unchecked[f"{r.manifest.id}/{svc}"] = str(e).splitlines()[0] if str(e) else type(e).__name__
                continue
            declared = declared_mounts(st.compose_file, svc)
            writable = (*r.manifest.writable, *_service_writable(r, svc), *declared)
            paths = suspicious(diff, writable, [m for m in mounts if m and m not in declared])
            if paths:
                found.setdefault(r.manifest.id, {})[svc] = paths
    return found, unchecked


def _service_writable(r: LabRunner, svc: str) -> tuple[str, ...]:
    try:
        return r.manifest.service(svc).writable
    except KeyError:
        return ()


def tamper_html(doc: dict[str, Any]) -> str:
    """The proctor report's banner: which programs or libraries were changed, per lab and service."""
    e = html.escape
    tamper = doc.get("tamper") or {}
    unchecked = doc.get("tamper_unchecked") or {}
    if not tamper and not unchecked:
        return ""
    parts = []
    if tamper:
        parts.append("<div id=tamper style='border:2px solid #c62828;padding:0 1em;margin:1em 0'>"
                     "<h2 class=failed>Tampering detected</h2><p>Files under program or library "
                     "paths were changed in the candidate's containers before grading; the checks' evidence "
                     "may come from a substitute program. Review before accepting the score.</p><ul>")
        for lab, services in sorted(tamper.items()):
            for svc, paths in sorted(services.items()):
                items = "".join(f"<li><code>{e(p)}</code></li>" for p in paths)
                parts.append(f"<li>{e(lab)} / {e(svc)}<ul>{items}</ul></li>")
        parts.append("</ul></div>")
    if unchecked:
        rows = "".join(f"<li>{e(k)}: {e(v)}</li>" for k, v in sorted(unchecked.items()))
        parts.append(f"<div id=tamper-unchecked><p>Not compared with their images:</p><ul>{rows}</ul></div>")
    return "".join(parts)
