"""Backends run a lab's services; `get_backend` picks one from a URL-like spec, imported lazily."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .base import Backend, ExecResult, ServiceStatus

__all__ = ["Backend", "ExecResult", "ServiceStatus", "get_backend"]


def get_backend(spec: str, project: str, compose_file: Path, overrides: Sequence[Path] = ()) -> Backend:
    """`compose` (the local engine, or DOCKER_HOST / the current docker context) is the only kind so far."""
    kind = spec.split("://", 1)[0]
    if kind == "compose":
        from .compose import ComposeBackend

        return ComposeBackend(project, compose_file, overrides)
    from ..errors import AltlabError

    raise AltlabError(f"unknown backend '{spec}'", hint="use 'compose'")
