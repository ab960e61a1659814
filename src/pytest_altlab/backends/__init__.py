"""Backends run a lab's services; `get_backend` picks one from a URL-like spec, imported lazily."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .base import Backend, Engine, ExecResult, ServiceStatus

__all__ = ["Backend", "Engine", "ExecResult", "ServiceStatus", "get_backend", "get_engine"]


def get_engine(spec: str = "compose") -> Engine:
    """The engine behind a backend kind: project-independent calls (running projects, images, probes)."""
    kind = spec.split("://", 1)[0]
    if kind == "compose":
        from .compose import DockerEngine

        return DockerEngine()
    from ..errors import AltlabError

    raise AltlabError(f"unknown backend '{spec}'", hint="use 'compose'")


def get_backend(spec: str, project: str, compose_file: Path | None = None, overrides: Sequence[Path] = ()) -> Backend:
    """`compose` (the local engine, or DOCKER_HOST / the current docker context) is the only kind so far."""
    kind = spec.split("://", 1)[0]
    if kind == "compose":
        from .compose import ComposeBackend

        return ComposeBackend(project, compose_file, overrides)
    from ..errors import AltlabError

    raise AltlabError(f"unknown backend '{spec}'", hint="use 'compose'")
