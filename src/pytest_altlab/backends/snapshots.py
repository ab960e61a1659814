"""Snapshots of a compose project's containers and volumes: commit + volume copy, restore, removal by label."""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from .. import docker
from ..composeyaml import dump_compose
from ..errors import AltlabError
from ..paths import home_tag
from .base import ServiceStatus

__all__ = ["SNAPSHOT_LABEL", "blockers", "remove", "snapshot_objects", "take", "write_override", "restore_volumes",
           "all_named", "refill_named", "wait_healthy"]

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


def volume_mounts(info: dict[str, Any]) -> list[dict[str, str | None]]:
    """The container's volumes in a stable order: destination, and the volume's name (None: anonymous)."""
    out = []
    for m in sorted(info.get("Mounts") or [], key=lambda m: str(m.get("Destination"))):
        if m.get("Type") == "volume":
            name = str(m.get("Name") or "")
            anonymous = len(name) == 64 and all(c in "0123456789abcdef" for c in name)
            out.append({"dest": str(m["Destination"]), "volume": None if anonymous else name})
    return out


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
                    f"mkdir -p {MOUNT}/{svc}/{i} && cp -a {shlex.quote(str(m['dest']))}/. {MOUNT}/{svc}/{i}/\n"
                    for i, m in enumerate(mounts))
                _copier(project, ["--volumes-from", name], str(info["Image"]), script)
            return {"image": image_name(project, svc), "mounts": mounts}

        snap = dict(zip(services, _parallel(one, services), strict=True))
    except BaseException:
        if running:
            docker.run(["unpause", *running], check=False, timeout=60)
        remove(project)
        raise
    if running:
        docker.run(["unpause", *running], timeout=60)
        _settle({s: containers[s] for s in services if containers[s] in running}, inspected)
    return {"volume": vol, "services": snap}


def _settle(containers: dict[str, str], before: dict[str, dict[str, Any]], within: float = 30) -> None:
    """Wait until the engine reports the health it did before the freeze: a health probe cut off by the pause
    leaves a container 'unhealthy' (engine 20.10) until its next probe passes, an interval later."""
    healthy = {s for s, i in before.items() if ((i.get("State") or {}).get("Health") or {}).get("Status") == "healthy"}
    deadline = time.monotonic() + within
    while healthy and time.monotonic() < deadline:
        now = inspect_all({s: containers[s] for s in healthy})
        healthy = {s for s in healthy if ((now[s].get("State") or {}).get("Health") or {}).get("Status") != "healthy"}
        if healthy:
            time.sleep(0.1)


def _copier(project: str, mounts: list[str], image: str, script: str) -> None:
    """A throwaway container that sees the snapshot volume and the given volumes (`-v`/`--volumes-from` args)."""
    docker.run(["run", "--rm", "--network", "none", "--user", "0", *_labels(project)[:2], *mounts,
                "-v", f"{volume_name(project)}:{MOUNT}", "--entrypoint", "sh", image, "-c", script], timeout=600)


def _refill(src: str, dest: str) -> str:
    d = shlex.quote(dest)
    return f"cd {d} && rm -rf -- * .[!.]* ..?* && cp -a {src}/. {d}/\n"


def all_named(snap: dict[str, Any]) -> bool:
    """Every volume is a named one: it outlives its container, so it can be refilled before the new one exists."""
    return all(m["volume"] for s in snap["services"].values() for m in s["mounts"])


def refill_named(project: str, snap: dict[str, Any]) -> None:
    """Refill every named volume from the snapshot in one throwaway container (no service container needed)."""
    mounts, script = [], "set -e\n"
    for svc, s in sorted(snap["services"].items()):
        for i, m in enumerate(s["mounts"]):
            mounts += ["-v", f"{m['volume']}:/altlab-volume/{svc}/{i}"]
            script += _refill(f"{MOUNT}/{svc}/{i}", f"/altlab-volume/{svc}/{i}")
    if mounts:
        _copier(project, mounts, next(iter(snap["services"].values()))["image"], script)


def write_override(path: Path, snap: dict[str, Any]) -> None:
    """A compose override that runs each service from its snapshot image (everything else unchanged)."""
    doc = {"services": {svc: {"image": s["image"]} for svc, s in snap["services"].items()}}
    path.write_text(dump_compose(doc), encoding="utf-8")


def restore_volumes(project: str, containers: dict[str, str], snap: dict[str, Any]) -> None:
    """Empty the (created, not yet started) containers' volumes and copy the snapshot's content back in."""
    def one(svc: str) -> None:
        mounts = snap["services"][svc]["mounts"]
        if not mounts:
            return
        script = "set -e\n" + "".join(_refill(f"{MOUNT}/{svc}/{i}", m["dest"]) for i, m in enumerate(mounts))
        _copier(project, ["--volumes-from", containers[svc]], snap["services"][svc]["image"], script)

    _parallel(one, sorted(s for s in snap["services"] if s in containers))


def wait_healthy(containers: dict[str, str], timeout: float) -> list[ServiceStatus] | None:
    """Poll until every container runs and is healthy: the statuses, or None once one exited or went unhealthy,
    or time ran out. Where the engine has not run the health check yet (it waits a whole interval first), we run
    the container's own health test ourselves: the same command, without the interval's wait."""
    deadline = time.monotonic() + timeout
    while True:
        inspected = inspect_all(containers)
        out = [_status(svc, inspected[svc]) for svc in sorted(inspected)]
        if any(st.state in ("exited", "dead") or st.health == "unhealthy" for st in out) or len(out) < len(containers):
            return None
        pending = [st for st in out if st.state != "running" or st.health not in ("", "healthy")]
        if all(st.state == "running" and _own_check(inspected[st.service]) for st in pending):
            return [ServiceStatus(st.service, st.container, st.state, "healthy" if st.health else "", st.ports)
                    for st in out]
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)


def _own_check(info: dict[str, Any]) -> bool:
    test = list(((info.get("Config") or {}).get("Healthcheck") or {}).get("Test") or [])
    if not test or test[0] == "NONE":
        return True
    argv = test[1:] if test[0] == "CMD" else ["sh", "-c", " ".join(test[1:])]  # CMD-SHELL: one shell string
    return docker.run(["exec", str(info["Id"]), *argv], check=False, timeout=30).ok


def _status(svc: str, info: dict[str, Any]) -> ServiceStatus:
    state = info.get("State") or {}
    ports = {}
    for key, binds in ((info.get("NetworkSettings") or {}).get("Ports") or {}).items():
        for b in binds or []:
            if b.get("HostIp") in ("127.0.0.1", "0.0.0.0", "") and b.get("HostPort"):
                ports[int(key.split("/")[0])] = int(b["HostPort"])
    return ServiceStatus(service=svc, container=str(info.get("Name", "")).lstrip("/"), state=str(state.get("Status")),
                         health=str((state.get("Health") or {}).get("Status") or ""), ports=ports)


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
