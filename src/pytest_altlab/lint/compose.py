"""Lint rules for compose definitions: a lab container never reaches the Docker socket, the host, or privileges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["Issue", "service_issues", "volume_issues"]

Issue = tuple[str, str, str, str]  # field, value, message, hint

_SHARED_NS = {"network_mode": "host", "pid": "host", "ipc": "host", "userns_mode": "host", "uts": "host"}
_SOCKET_HINT = "a lab container must never drive the Docker engine: whoever is root in it would own the host"
_HOST_HINT = "use a named volume, or a file inside the lab folder (./files/x:/etc/x:ro)"
# The one host path a lab may mount: systemd as PID 1 (the Linux-host labs) needs the cgroup tree, read-only;
# it shows and changes nothing of the host's processes.
_ALLOWED_BINDS = {"/sys/fs/cgroup:/sys/fs/cgroup:ro"}


def _source(vol: Any) -> tuple[str, bool]:
    """(source, is a bind mount) of a compose volume entry, short or long syntax."""
    if isinstance(vol, str):
        parts = vol.split(":")
        if len(parts) == 1:
            return "", False  # an anonymous volume
        src = parts[0]
        return src, src.startswith(("/", ".", "~", "$"))
    if isinstance(vol, dict):
        src = str(vol.get("source", "") or "")
        return src, vol.get("type") == "bind" or src.startswith(("/", ".", "~", "$"))
    return "", False


def _bind_issue(fld: str, vol: Any, src: str, lab_dir: Path | None) -> Issue | None:
    shown = vol if isinstance(vol, str) else repr(vol)
    if "docker.sock" in src:
        return fld, shown, "mounts the Docker socket", _SOCKET_HINT
    if isinstance(vol, str) and vol in _ALLOWED_BINDS:
        return None
    if src.startswith(("/", "~", "$")):
        return fld, shown, "mounts a host path outside the lab folder", _HOST_HINT
    if lab_dir is None:  # a shared service file: `./` means the folder of the lab that uses it
        inside = not any(part == ".." for part in Path(src).parts)
    else:
        inside = (lab_dir / src).resolve().is_relative_to(lab_dir.resolve())
    return None if inside else (fld, shown, "mounts a host path outside the lab folder", _HOST_HINT)


def service_issues(svc: Any, prefix: str, lab_dir: Path | None = None) -> list[Issue]:
    """One service definition (a compose file's, or a lab.yaml `compose:` override) that must stay in its box."""
    if not isinstance(svc, dict):
        return []
    out: list[Issue] = []
    if svc.get("privileged") not in (None, False, "false"):
        out.append((f"{prefix}.privileged", str(svc["privileged"]), "runs the container privileged",
                    "grant the one capability the service needs (cap_add), never privileged: true"))
    for key, bad in _SHARED_NS.items():
        if str(svc.get(key, "")).lower() == bad:
            out.append((f"{prefix}.{key}", str(svc[key]), f"shares the host's {key.split('_')[0]} namespace",
                        "lab containers live on the lab's own compose network and namespaces"))
    vols = svc.get("volumes") or []
    for i, vol in enumerate(vols if isinstance(vols, list) else []):
        src, bind = _source(vol)
        issue = _bind_issue(f"{prefix}.volumes[{i}]", vol, src, lab_dir) if bind or "docker.sock" in src else None
        if issue:
            out.append(issue)
    return out


def volume_issues(volumes: Any, prefix: str = "volumes") -> list[Issue]:
    """Top-level named volumes: a `local` volume with `device:` is a bind mount of a host path in disguise."""
    out: list[Issue] = []
    for name, spec in (volumes.items() if isinstance(volumes, dict) else []):
        opts = (spec or {}).get("driver_opts") if isinstance(spec, dict) else None
        if isinstance(opts, dict) and opts.get("device"):
            out.append((f"{prefix}.{name}.driver_opts.device", str(opts["device"]),
                        "binds a named volume to a host path", "a plain named volume (`name: {}`)"))
    return out
