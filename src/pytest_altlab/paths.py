"""Where things live: the shipped labs and compose files, and the per-user state folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["builtin_labs_dir", "compose_dir", "data_root", "home_tag", "state_home"]


def data_root() -> Path:
    """Folder holding `labs/` and `compose/`: inside the wheel, or the repository in a checkout."""
    pkg = Path(__file__).resolve().parent
    shipped = pkg / "_data"
    if (shipped / "labs").is_dir():
        return shipped
    return pkg.parents[1]  # src/pytest_altlab -> repository root (editable install, checkout)


def builtin_labs_dir() -> Path:
    return data_root() / "labs"


def compose_dir() -> Path:
    return data_root() / "compose"


def state_home() -> Path:
    """Running-instance state (generated compose file, parameters). ALTLAB_HOME overrides."""
    env = os.environ.get("ALTLAB_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "altlab"


def home_tag() -> str:
    """A short id of this state folder. One Docker engine may serve several state folders (two
    checkouts, a CI run beside a developer): engine object names carry the tag, so no folder ever
    sees, sweeps or stops another folder's labs."""
    return hashlib.sha256(str(state_home().resolve()).encode()).hexdigest()[:6]
