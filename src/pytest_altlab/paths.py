"""Where things live: the shipped labs and compose files, and the per-user state folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["builtin_labs_dir", "compose_dir", "data_root", "home_tag", "private_dir", "state_home", "write_private"]


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


def private_dir(path: Path) -> Path:
    """Create `path` (and the state folder above it) readable by this user only: state holds passwords,
    exam seeds and keys. A folder of ours that was made looser (an older release, a umask) is tightened."""
    home = state_home()
    for d in (home, path):
        try:
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            from .errors import AltlabError

            raise AltlabError(f"the state folder {d} cannot be used: {e.strerror or e}",
                              hint="set ALTLAB_HOME to a folder you can write (running labs, exams)") from None
        try:
            if d.stat().st_uid == os.getuid() and d.stat().st_mode & 0o077:
                d.chmod(0o700)
        except OSError:
            pass  # not ours to change: the folder above still decides who can enter
    return path


def write_private(path: Path, text: str) -> None:
    """Write a state file atomically with mode 0600 (a reader never sees half of it, nobody else sees it)."""
    private_dir(path.parent)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        tmp.replace(path)
    except OSError as e:
        from .errors import AltlabError

        raise AltlabError(f"the state file {path} cannot be written: {e.strerror or e}",
                          hint="set ALTLAB_HOME to a folder you can write (running labs, exams)") from None
