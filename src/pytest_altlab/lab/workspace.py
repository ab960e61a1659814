"""The candidate's workspace: a compose override they edit on the host, checked and applied (`altlab apply`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from ..backends import get_backend
from ..context import LabContext
from ..errors import AltlabError, ManifestError
from ..instance import InstanceState
from ..manifest import LabManifest

__all__ = ["apply_workspace", "check_override"]


def apply_workspace(manifest: LabManifest, st: InstanceState, timeout: float = 180) -> LabContext:
    """Merge the candidate's workspace/compose.override.yaml into the running lab (compose -f ... -f ...)."""
    override = st.workspace / "compose.override.yaml"
    if not override.is_file():
        raise AltlabError(f"lab '{manifest.id}' has no {override}",
                          hint="only labs that hand you a workspace can be changed with `altlab apply`")
    check_override(override, [s.name for s in manifest.services])
    # The lab runs from a copy of what was applied: editing the workspace file changes nothing
    # until the next apply, and a refused apply can go back to the last good copy.
    pending = st.dir / "override.pending.yaml"
    shutil.copyfile(override, pending)
    trial = get_backend(st.backend, st.project, st.compose_file, [pending])
    trial.validate()  # compose's own schema check: a typo changes nothing
    previous = list(st.overrides)
    try:
        trial.up(timeout)  # compose recreates exactly the services whose definition changed
        applied = st.dir / "override.applied.yaml"
        pending.replace(applied)
        st.overrides = [str(applied)]
        st.save()
        trial = get_backend(st.backend, st.project, st.compose_file, [applied])
    except AltlabError as e:
        # Put the lab back as it was, so the candidate can fix the file and apply again.
        st.overrides = previous
        try:
            get_backend(st.backend, st.project, st.compose_file, [Path(p) for p in st.overrides]).up(timeout)
        except AltlabError:
            pass
        raise AltlabError(f"your change was not applied; the lab runs as before it\n{e}",
                          hint="fix compose.override.yaml and run `altlab apply` again") from None
    return LabContext(manifest, st, trial)


# What a candidate's override may not do: leave the sandbox, or publish beyond 127.0.0.1.
_FORBIDDEN_SERVICE_KEYS = {"privileged", "cap_add", "devices", "pid", "ipc", "network_mode", "networks", "ports",
                           "security_opt", "userns_mode", "cgroup_parent", "volumes_from", "extends", "build",
                           "image", "container_name", "expose", "links", "external_links"}


def check_override(file: Path, services: list[str]) -> None:
    """The candidate's compose override: valid YAML, known services, and nothing that escapes the lab."""
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise ManifestError(str(file), "(yaml)", where, f"valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(data, dict):
        raise ManifestError(str(file), "(top level)", data, "a mapping with `services:`")
    for key in data:
        if key not in ("services", "volumes"):
            raise ManifestError(str(file), key, data[key], "only `services:` and `volumes:` (named volumes)")
    for name, svc in (data.get("services") or {}).items():
        if name not in services:
            raise ManifestError(str(file), f"services.{name}", name,
                                "one of the lab's services: " + ", ".join(services))
        for key in svc or {}:
            if key in _FORBIDDEN_SERVICE_KEYS:
                raise ManifestError(str(file), f"services.{name}.{key}", svc[key],
                                    "a setting that stays inside the lab (not " + key + ")")
        for vol in (svc or {}).get("volumes", []) or []:
            src = vol.split(":", 1)[0] if isinstance(vol, str) else (vol or {}).get("source", "")
            if isinstance(vol, str) and ":" not in vol:
                continue  # an anonymous volume
            if str(src).startswith(("/", ".", "~")):
                raise ManifestError(str(file), f"services.{name}.volumes", vol, "a named volume (no host paths)")
    for vname, vdef in (data.get("volumes") or {}).items():
        if isinstance(vdef, dict) and (vdef.get("driver_opts") or vdef.get("external")):
            raise ManifestError(str(file), f"volumes.{vname}", vdef, "a plain named volume")
