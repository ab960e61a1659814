"""The saved state of one running lab instance (project, flavour, parameters), kept beside its compose file."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import AltlabError
from .paths import home_tag, state_home, write_private

__all__ = ["InstanceState", "project_name", "state_dir", "validate_instance"]

# Long enough for an exam candidate's instance (x-<exam id, 41>_<candidate, 31>): names are never cut,
# so two candidates can never end up in one instance.
INSTANCE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


def validate_instance(name: str) -> str:
    if not INSTANCE_RE.match(name):
        raise AltlabError(f"instance name '{name}' is not valid",
                          hint="use lowercase letters, digits, '-' and '_' (at most 80 characters)")
    return name


def project_name(lab_id: str, instance: str) -> str:
    """One compose project per instance and state folder, so labs, candidates and checkouts never collide.

    The tag has a fixed width and comes first, so a name maps back to exactly one (folder, lab, instance)."""
    base = f"altlab-{home_tag()}-{lab_id}"
    return base if instance == "default" else f"{base}--{validate_instance(instance)}"


def state_dir(project: str) -> Path:
    return state_home() / "instances" / project


@dataclass
class InstanceState:
    lab_id: str
    instance: str
    project: str
    flavour: str
    seed: str | None
    params: dict[str, str]
    backend: str = "compose"
    started_at: str = ""
    servers: dict[str, dict[str, str]] = field(default_factory=dict)  # service -> {image, version}
    lab_version: int = 1
    fixed_ports: list[list[Any]] = field(default_factory=list)  # [service, container port, host port]
    ports: list[list[Any]] = field(default_factory=list)  # every published port, pinned at start
    overrides: list[str] = field(default_factory=list)  # applied workspace files (compose -f ... -f ...)
    exam: dict[str, str] = field(default_factory=dict)  # {id, candidate, deadline} for an exam's instance
    phase: str = ""  # "starting" until a start (or reset) finishes: a killed start is known by it
    # The project whose state folder this is, where it is not `project`: an instance claimed from the hot-start
    # pool keeps the pool instance's engine objects (project) under the claiming instance's folder.
    state_key: str = ""

    @property
    def workspace(self) -> Path:
        return self.dir / "workspace"

    @property
    def dir(self) -> Path:
        return state_dir(self.state_key or self.project)

    @property
    def compose_file(self) -> Path:
        return self.dir / "compose.yaml"

    @property
    def task_file(self) -> Path:
        return self.dir / "TASK.md"

    def save(self) -> None:
        write_private(self.dir / "state.json", json.dumps(asdict(self), indent=2, sort_keys=True))

    @classmethod
    def load(cls, project: str) -> InstanceState | None:
        f = state_dir(project) / "state.json"
        try:
            data: dict[str, Any] = json.loads(f.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def remove(self) -> None:
        """Everything but the lock file: whoever holds the lock keeps it (see lab.guard)."""
        for p in self.dir.iterdir() if self.dir.is_dir() else []:
            if p.name == ".lock":
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
