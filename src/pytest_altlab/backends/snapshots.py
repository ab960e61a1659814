"""Snapshots of a compose project's containers and volumes: commit + volume copy, restore, removal by label."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .. import docker
from ..errors import AltlabError
from ..paths import home_tag

__all__ = ["SNAPSHOT_LABEL", "blockers", "remove", "snapshot_objects", "take", "write_override", "restore_volumes"]

SNAPSHOT_LABEL = "io.altlab.snapshot"  # value: the project; on every image and volume a snapshot creates
PROJECT_LABEL = "com.docker.compose.project"
MOUNT = "/altlab-snapshot"  # where the throwaway copier sees the snapshot volume
T = TypeVar("T")


def _parallel(fn: Callable[[str], T], items: Sequence[str]) -> list[T]:
    # Engine calls per service are independent: run them side by side (each is mostly waiting on dockerd).
    if len(items) <= 1:
        return [fn(i) for i in items]
    with ThreadPoolExecutor(max_workers=min(4, len(items))) as pool:
        return list(pool.map(fn, items))


def image_name(project: str, service: str) -> str:
    # One repository per project, one tag per service: tags accept any compose service name.
    return f"altlab-snapshot/{project}:{service}"


def volume_name(project: str) -> str:
    return f"{project}-snapshot"


def _labels(project: str) -> list[str]:
    # The compose project label too, so the project's own sweep and leftover checks see the snapshot volume.
    return ["--label", f"{SNAPSHOT_LABEL}={project}", "--label", f"{PROJECT_LABEL}={project}",
            "--label", f"io.altlab.home={home_tag()}"]


def blockers(inspected: dict[str, dict[str, Any]]) -> list[str]:
    """Why these containers cannot be snapshotted faithfully (empty: they can): state a commit misses."""
    out = []
    for svc, info in inspected.items():
        host = info.get("HostConfig") or {}
        if host.get("Tmpfs") or any(m.get("Type") == "tmpfs" for m in info.get("Mounts") or []):
            out.append(f"service '{svc}' keeps state on tmpfs (a commit does not see it)")
        for m in info.get("Mounts") or []:
            if m.get("Type") == "bind" and m.get("RW"):
                out.append(f"service '{svc}' writes to the host path {m.get('Source')}")
    return out


def volume_mounts(info: dict[str, Any]) -> list[str]:
    """Destinations of the container's volumes (named and anonymous), in a stable order."""
    return sorted(str(m["Destination"]) for m in info.get("Mounts") or [] if m.get("Type") == "volume")


def inspect_all(containers: dict[str, str]) -> dict[str, dict[str, Any]]:
    names = list(containers.values())
    res = docker.run(["inspect", *names], timeout=60)
    by_name = {str(d.get("Name", "")).lstrip("/"): d for d in json.loads(res.stdout)}
    return {svc: by_name[c] for svc, c in containers.items() if c in by_name}


def take(project: str, containers: dict[str, str]) -> dict[str, Any]:
    """Freeze every container, commit its filesystem to an image, copy its volumes into one snapshot volume.

    Frozen (not stopped) while copying: the copy is what a power cut at that instant would leave, which the
    services recover from on their next start, and the candidate never sees a restart."""
    inspected = inspect_all(containers)
    why = blockers(inspected)
    if why:
        raise AltlabError("this lab cannot be snapshotted: " + "; ".join(why),
                          hint="reset falls back to the lab's reset steps or a fresh start")
    remove(project)  # an older snapshot of the project: replaced whole, never mixed
    vol = volume_name(project)
    docker.run(["volume", "create", *_labels(project), vol], timeout=60)
    services = sorted(inspected)
    running = [containers[s] for s in services if (inspected[s].get("State") or {}).get("Status") == "running"]
    if running:
        docker.run(["pause", *running], timeout=60)
    try:
        def one(svc: str) -> dict[str, Any]:
            info, name = inspected[svc], containers[svc]
            changes = ["--change", f"LABEL {SNAPSHOT_LABEL}={project}",
                       "--change", f"LABEL io.altlab.home={home_tag()}"]
            docker.run(["commit", "--pause=false", *changes, name, image_name(project, svc)], timeout=300)
            mounts = volume_mounts(info)
            if mounts:
                script = "set -e\n" + "".join(
                    f"mkdir -p {MOUNT}/{svc}/{i} && cp -a {shlex.quote(d)}/. {MOUNT}/{svc}/{i}/\n"
                    for i, d in enumerate(mounts))
                _copier(project, name, str(info["Image"]), script)
            return {"image": image_name(project, svc), "mounts": mounts}

        snap = dict(zip(services, _parallel(one, services), strict=True))
    except BaseException:
        if running:
            docker.run(["unpause", *running], check=False, timeout=60)
        remove(project)
        raise
    if running:
        docker.run(["unpause", *running], timeout=60)
    return {"volume": vol, "services": snap}


def _copier(project: str, container: str, image: str, script: str) -> None:
    """A throwaway container that sees `container`'s volumes at their own paths and the snapshot volume."""
    docker.run(["run", "--rm", "--network", "none", "--user", "0", *_labels(project)[:2],
                "--volumes-from", container, "-v", f"{volume_name(project)}:{MOUNT}",
                "--entrypoint", "sh", image, "-c", script], timeout=600)


def write_override(path: Path, snap: dict[str, Any]) -> None:
    """A compose override that runs each service from its snapshot image (everything else unchanged)."""
    doc = {"services": {svc: {"image": s["image"]} for svc, s in snap["services"].items()}}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def restore_volumes(project: str, containers: dict[str, str], snap: dict[str, Any]) -> None:
    """Empty the (created, not yet started) containers' volumes and copy the snapshot's content back in."""
    def one(svc: str) -> None:
        mounts = snap["services"][svc]["mounts"]
        if not mounts:
            return
        script = "set -e\n" + "".join(
            f"cd {shlex.quote(d)} && rm -rf -- * .[!.]* ..?* && cp -a {MOUNT}/{svc}/{i}/. {shlex.quote(d)}/\n"
            for i, d in enumerate(mounts))
        _copier(project, containers[svc], snap["services"][svc]["image"], script)

    _parallel(one, sorted(s for s in snap["services"] if s in containers))


def snapshot_objects(project: str) -> dict[str, list[str]]:
    flt = f"label={SNAPSHOT_LABEL}={project}"
    return {"images": docker.run(["image", "ls", "-q", "--filter", flt]).stdout.split(),
            "volumes": docker.run(["volume", "ls", "-q", "--filter", flt]).stdout.split()}


def remove(project: str) -> None:
    """Remove the project's snapshot images and volume (only what carries its snapshot label)."""
    objs = snapshot_objects(project)
    if objs["images"]:
        docker.run(["image", "rm", "-f", *sorted(set(objs["images"]))], check=False, timeout=120)
    if objs["volumes"]:
        docker.run(["volume", "rm", "-f", *objs["volumes"]], check=False, timeout=120)
