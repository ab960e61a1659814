"""Find labs by id across the shipped labs and the user's own lab folders."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import AltlabError, ManifestError, UnknownLabError
from .manifest import LabManifest, load_manifest
from .paths import builtin_labs_dir

__all__ = ["Catalog", "lab_dirs_from_env"]


def lab_dirs_from_env() -> list[Path]:
    raw = os.environ.get("ALTLAB_LABS_PATH", "")
    return [Path(p) for p in raw.split(os.pathsep) if p]


class Catalog:
    """Lab folders, searched in order: the user's folders first (so a lab can be overridden), then shipped."""

    def __init__(self, extra_dirs: Iterable[Path] = ()) -> None:
        dirs = [Path(d).expanduser() for d in extra_dirs] + lab_dirs_from_env() + [builtin_labs_dir()]
        for d in dirs[:-1]:
            if not d.is_dir():
                raise AltlabError(f"lab folder '{d}' does not exist", hint="check --lab-dir / ALTLAB_LABS_PATH")
        self.dirs = dirs

    def _folders(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for d in self.dirs:
            if (d / "lab.yaml").is_file():  # a single lab folder given directly
                found.setdefault(d.name, d)
                continue
            for sub in sorted(d.iterdir()) if d.is_dir() else []:
                if (sub / "lab.yaml").is_file():
                    found.setdefault(sub.name, sub)
        return found

    def ids(self) -> list[str]:
        return sorted(self._folders())

    def folder(self, lab_id: str) -> Path:
        """A lab's folder, found without reading its lab.yaml (lint reads broken ones too)."""
        folders = self._folders()
        if lab_id not in folders:
            raise UnknownLabError(lab_id, sorted(folders))
        return folders[lab_id]

    def get(self, lab_id: str) -> LabManifest:
        return load_manifest(self.folder(lab_id))

    def all(self) -> list[LabManifest]:
        return [load_manifest(p) for _, p in sorted(self._folders().items())]

    def load_all(self) -> tuple[list[LabManifest], list[AltlabError]]:
        """Every lab that validates, and the errors of those that do not (one broken lab hides no other)."""
        good, bad = [], []
        for _, p in sorted(self._folders().items()):
            try:
                good.append(load_manifest(p))
            except AltlabError as e:
                bad.append(e)
            except Exception as e:  # noqa: BLE001 (whatever one lab does, the others still list)
                bad.append(ManifestError(str(p / "lab.yaml"), "(file)", f"{type(e).__name__}: {e}"[:200],
                                         "a lab.yaml that loads"))
        return good, bad
