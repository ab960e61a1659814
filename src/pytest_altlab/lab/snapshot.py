"""Instant reset: snapshot the broken state right after the break step; `altlab reset` restores it."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from typing import Any

from ..backends import Backend
from ..context import LabContext
from ..errors import AltlabError
from ..instance import InstanceState
from ..manifest import LabManifest
from ..paths import write_private

__all__ = ["SNAPSHOT_ENV", "has_snapshot", "restore_snapshot", "take_snapshot", "unsupported"]

SNAPSHOT_ENV = "ALTLAB_SNAPSHOT"  # "1": a snapshot after the break step, which `reset` restores
SNAPSHOT_FILE = "snapshot.json"


def snapshots_on() -> bool:
    # Opt-in for now: a snapshot adds 20-70% to every start and a restore still boots the services again
    # (measured: 0.4-1.1x of a cold start), so it pays only where resets are frequent.
    return os.environ.get(SNAPSHOT_ENV, "0").strip().lower() in ("1", "yes", "on", "true")


def unsupported(manifest: LabManifest, st: InstanceState) -> str | None:
    """Why this instance gets no snapshot (None: it does). The engine may still refuse (tmpfs, host paths)."""
    if not snapshots_on():
        return f"snapshots are off (set {SNAPSHOT_ENV}=1 to take one after the break step)"
    if not manifest.snapshot:
        return "the lab's broken state lives in processes or memory a snapshot misses (lab.yaml `snapshot: false`)"
    # The candidate's host-side files and the overrides they apply are state outside the engine.
    if (manifest.path / "workspace").is_dir() or st.overrides:
        return "the lab hands out host files (workspace) that a snapshot of the containers misses"
    return None


def take_snapshot(ctx: LabContext, echo: Callable[[str], None]) -> bool:
    """Snapshot a freshly broken instance; False where snapshots are off, or (with a line on `echo`) refused."""
    st = ctx.state
    (st.dir / SNAPSHOT_FILE).unlink(missing_ok=True)
    if not snapshots_on():
        return False  # off (the default): nothing worth a line of every start
    why = unsupported(ctx.manifest, st)
    try:
        if why is None:
            snap = ctx.backend.snapshot()
            doc = {"taken_at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                   "params": st.params, "snapshot": snap}
            write_private(st.dir / SNAPSHOT_FILE, json.dumps(doc, indent=2, sort_keys=True))
            return True
    except NotImplementedError as e:
        why = str(e)
    except AltlabError as e:
        why = e.message
    echo(f"no snapshot of the broken state ({why}): `altlab reset` will rebuild it instead")
    return False


def has_snapshot(st: InstanceState) -> bool:
    return (st.dir / SNAPSHOT_FILE).is_file()


def restore_snapshot(manifest: LabManifest, st: InstanceState, backend: Backend, timeout: float) -> LabContext | None:
    """The instance back in its snapshot state (a new run: the attempt clock restarts); None without a snapshot."""
    if not has_snapshot(st) or unsupported(manifest, st):
        return None
    doc: dict[str, Any] = json.loads((st.dir / SNAPSHOT_FILE).read_text(encoding="utf-8"))
    if doc.get("params") != st.params:  # never restore another candidate's (or seed's) state
        return None
    backend.restore(doc["snapshot"], timeout)
    st.started_at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    st.save()
    return LabContext(manifest, st, backend)
