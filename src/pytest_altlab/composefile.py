"""Build one lab instance's compose file from the shared service files under compose/."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ManifestError
from .manifest import FLAVOURS, LabManifest
from .paths import compose_dir, home_tag

__all__ = ["ServiceFile", "load_service_file", "render_compose", "free_port"]


def free_port() -> int:
    """A port free on 127.0.0.1 right now (the kernel's pick); a race is caught as PortInUse and retried."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class ServiceFile:
    """compose/<name>.yaml: a runnable compose file with one service plus `x-altlab` metadata."""

    name: str
    file: Path
    service: dict[str, Any]
    volumes: dict[str, Any]
    images: dict[str, str]  # flavour -> image
    build: Path | None  # Dockerfile folder of the debian flavour
    base: str  # Debian suite of the debian flavour's base image
    version_commands: dict[str, tuple[str, ...]]  # flavour -> argv; "*" for every flavour

    def version_command(self, flavour: str) -> tuple[str, ...]:
        return self.version_commands.get(flavour) or self.version_commands.get("*", ())


def load_service_file(name: str, lab_dir: Path | None = None) -> ServiceFile:
    """compose/<name>.yaml of the lab's own folder if it has one, else the shared one."""
    own = lab_dir / "compose" / f"{name}.yaml" if lab_dir else None
    file = own if own and own.is_file() else compose_dir() / f"{name}.yaml"
    if not file.is_file():
        known = sorted(p.stem for p in compose_dir().glob("*.yaml"))
        raise ManifestError(str(file), "services.*.use", name, "one of " + ", ".join(known))
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    services = data.get("services") or {}
    if len(services) != 1:
        raise ManifestError(str(file), "services", list(services), "exactly one service")
    meta = data.get("x-altlab") or {}
    flav = meta.get("flavours") or {}
    images = {}
    for f in FLAVOURS:
        if f in flav:
            images[f] = flav[f]["image"]
    if not images:
        raise ManifestError(str(file), "x-altlab.flavours", flav, "an image per flavour (debian, upstream)")
    deb = flav.get("debian") or {}
    (svc,) = services.values()
    return ServiceFile(name=name, file=file, service=svc, volumes=data.get("volumes") or {}, images=images,
                       build=(file.parent / deb["build"]) if deb.get("build") else None, base=deb.get("base", "trixie"),
                       version_commands=_version_commands(file, meta.get("version_command")))


def _version_commands(file: Path, raw: Any) -> dict[str, tuple[str, ...]]:
    """`version_command: [argv]` for all flavours, or `{debian: [argv], upstream: [argv]}`."""
    if raw is None:
        return {}
    if isinstance(raw, list):
        return {"*": tuple(str(x) for x in raw)}
    if isinstance(raw, dict) and all(k in FLAVOURS and isinstance(v, list) for k, v in raw.items()):
        return {k: tuple(str(x) for x in v) for k, v in raw.items()}
    raise ManifestError(str(file), "x-altlab.version_command", raw, "an argv list, or a mapping flavour -> argv list")


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base.get(k), v) if k in base else v
        return out
    if isinstance(base, list) and isinstance(over, list):
        return base + over
    return over


def render_compose(manifest: LabManifest, flavour: str, project: str,
                   fixed_ports: dict[tuple[str, int], int] | None = None,
                   allocate: Callable[[], int] | None = None) -> dict[str, Any]:
    """The compose document for one instance: images of the flavour, loopback-only ports, labels.

    With `allocate`, every port without a fixed host port gets one from it, and `fixed_ports` is filled
    in: host ports then stay the same across restarts (Docker re-picks ephemeral ones on each restart)."""
    services: dict[str, Any] = {}
    volumes: dict[str, Any] = {}
    for spec in manifest.services:
        sf = load_service_file(spec.use, manifest.path)
        svc = copy.deepcopy(sf.service)
        svc.pop("x-altlab", None)
        svc["image"] = sf.images.get(flavour) or sf.images[next(iter(sf.images))]
        svc["pull_policy"] = "never" if flavour == "debian" else "missing"
        # Volumes are renamed per service so two services from one file never share data.
        renames = {v: f"{spec.name}-{v}" if spec.name != sf.name else v for v in sf.volumes}
        svc["volumes"] = [_rename_volume(v, renames, manifest.path) for v in svc.get("volumes", [])]
        for old, new in renames.items():
            volumes[new] = copy.deepcopy(sf.volumes[old]) or {}
        svc = _merge(svc, copy.deepcopy(spec.compose))
        svc["volumes"] = [_rename_volume(v, {}, manifest.path) for v in svc.get("volumes", [])]
        svc["ports"] = [_loopback_port(p, spec.name, fixed_ports if fixed_ports is not None else {}, allocate)
                        for p in svc.get("ports", [])]
        labels = svc.setdefault("labels", {})
        labels.update({"io.altlab.lab": manifest.id, "io.altlab.project": project, "io.altlab.flavour": flavour,
                       "io.altlab.home": home_tag()})
        services[spec.name] = svc
    doc: dict[str, Any] = {"name": project, "services": services}
    if volumes:
        doc["volumes"] = volumes
    networks = _networks(services)
    if networks:  # networks a lab's `compose:` puts its services on; compose's own defaults (subnets chosen free)
        doc["networks"] = networks
    return doc


def _networks(services: dict[str, Any]) -> dict[str, Any]:
    """The lab's own networks, declared once for every service that joins one (compose refuses undeclared ones)."""
    names: list[str] = []
    for svc in services.values():
        nets = svc.get("networks") or []
        for name in nets if isinstance(nets, (list, dict)) else []:
            if name != "default" and name not in names:
                names.append(str(name))
    return {n: {} for n in names}


def _rename_volume(v: Any, renames: dict[str, str], lab_dir: Path) -> Any:
    if not isinstance(v, str) or ":" not in v:
        return v
    src, rest = v.split(":", 1)
    if src.startswith("./"):  # lab files: relative to the lab folder, not the state folder
        return f"{(lab_dir / src).resolve()}:{rest}"
    return f"{renames.get(src, src)}:{rest}"


def _loopback_port(p: Any, service: str, fixed: dict[tuple[str, int], int],
                   allocate: Callable[[], int] | None) -> str:
    """Every port is published on 127.0.0.1 only; a free host port unless one is asked for."""
    text = str(p)
    target = int(text.rsplit(":", 1)[-1].split("/")[0])
    host = fixed.get((service, target))
    if host is None and allocate is not None:
        host = fixed[(service, target)] = allocate()
    return f"127.0.0.1:{host}:{target}" if host else f"127.0.0.1::{target}"
