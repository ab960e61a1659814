"""Parameter values of a lab instance: defaults, or derived per candidate from a seed (HMAC), never random."""

from __future__ import annotations

import hashlib
import hmac
import string
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .manifest import LabManifest

__all__ = ["resolve_params"]

_ALNUM = string.ascii_letters + string.digits


def _derive(seed: str, name: str, kind: str, length: int | None = None) -> str:
    """Deterministic per-seed value: same seed and name, same value, on every machine."""
    digest = hmac.new(seed.encode(), f"altlab-param:{name}".encode(), hashlib.sha512).digest()
    if kind == "password":
        return "".join(_ALNUM[b % len(_ALNUM)] for b in digest[:length or 20])
    if kind == "hex":
        return digest.hex()[:length or 16]
    return "".join((string.ascii_lowercase + string.digits)[b % 36] for b in digest[:4])  # suffix


def resolve_params(manifest: LabManifest, seed: str | None = None) -> dict[str, str]:
    """Parameter values: defaults without a seed; derived per seed where a generator is declared."""
    out: dict[str, str] = {}
    for p in manifest.parameters:
        if p.generate is None:
            assert p.default is not None
            out[p.name] = p.default
        elif seed is None and p.default is not None:
            out[p.name] = p.default
        elif p.generate == "suffix":
            base = p.default or p.name
            out[p.name] = f"{base}-{_derive(seed or 'altlab', p.name, 'suffix')}"
        else:
            out[p.name] = _derive(seed or "altlab", p.name, p.generate, p.length)
    return out
