"""Hot start: a pool of ready, already broken instances per lab and seed; `altlab start` claims one."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .backends import get_backend
from .context import LabContext
from .instance import InstanceState, project_name, state_dir
from .lab import LabRunner
from .lab.guard import LOCK_NAME
from .manifest import LabManifest
from .paths import private_dir, state_home, write_private

__all__ = ["POOL_PREFIX", "claim", "drain", "fill", "fill_in_background", "ready", "refill", "reset", "swap"]

POOL_PREFIX = "pool-"  # pool instances' names: pool-<8 hex>
READY = "pool-ready"  # written last, once the instance is broken and snapshotted: only then can it be claimed
Echo = Callable[[str], None]


def _pools() -> Path:
    return private_dir(state_home() / "pools")


def _config(lab_id: str) -> Path:
    return _pools() / f"{lab_id}.json"


@contextmanager
def _fill_lock(lab_id: str) -> Iterator[None]:
    # One filler per lab at a time (a refill after a claim waits for a running fill, then counts again).
    with open(_pools() / f"{lab_id}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def ready(m: LabManifest, flavour: str | None = None, seed: str | None = None, *, any_seed: bool = False
          ) -> list[InstanceState]:
    """The lab's pool instances ready to be claimed (for this flavour and seed), oldest first."""
    out = []
    for d in sorted((state_home() / "instances").glob(project_name(m.id, POOL_PREFIX + "x")[:-1] + "*")):
        st = InstanceState.load(d.name) if (d / READY).exists() else None
        if st and (flavour is None or st.flavour == flavour) and (any_seed or st.seed == seed):
            out.append(st)
    return sorted(out, key=lambda s: s.started_at)


def fill(m: LabManifest, size: int, *, flavour: str = "debian", seed: str | None = None, echo: Echo = print,
         timeout: float = 180) -> int:
    """Start pool instances until `size` are ready; remembers the size so claims refill. Returns how many started."""
    write_private(_config(m.id), json.dumps({"size": size, "flavour": flavour, "seed": seed}))
    with _fill_lock(m.id):
        return _top_up(m, size, flavour, seed, echo, timeout)


def refill(m: LabManifest, echo: Echo = print, timeout: float = 180) -> int:
    """Top the pool up to the size `fill` saved (after a claim); nothing where it was drained meanwhile, even when
    this refill queued behind the drain."""
    with _fill_lock(m.id):
        try:
            cfg: dict[str, Any] = json.loads(_config(m.id).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return 0
        return _top_up(m, int(cfg["size"]), str(cfg["flavour"]), cfg["seed"], echo, timeout)


def _top_up(m: LabManifest, size: int, flavour: str, seed: str | None, echo: Echo, timeout: float) -> int:
    started = 0
    while len(ready(m, flavour, seed)) < size and _config(m.id).exists():
        runner = LabRunner(m, POOL_PREFIX + secrets.token_hex(4), echo=echo)
        ctx = runner.start(flavour=flavour, seed=seed, timeout=timeout)
        write_private(ctx.state.dir / READY, ctx.state.started_at)
        started += 1
    return started


def claim(runner: LabRunner, flavour: str, seed: str | None, *, refill: bool = True) -> LabContext | None:
    """Hand a ready pool instance to `runner`'s instance (None: no pool, none ready, or the instance exists).

    Under the claimer's instance lock (a second start of the same instance is refused as busy), one rename takes
    the pool instance's state folder out of the pool: atomic, so two claims never get the same instance. Its
    files then move into the claimer's folder (which may hold the lock file a stop left). The engine objects
    keep the pool instance's project name; the claimer's state folder points at them (InstanceState.state_key)."""
    m = runner.manifest
    if runner.instance.startswith(POOL_PREFIX) or not ready(m, flavour, seed):
        return None  # nothing touched: without a ready pool instance a start goes its usual way
    target = state_dir(runner.project)
    with runner.lock("started"):
        for st in ready(m, flavour, seed):
            if (target / "state.json").exists():
                return None
            taken = private_dir(state_home() / "claiming") / f"{st.dir.name}-{secrets.token_hex(4)}"
            try:
                os.rename(st.dir, taken)
            except OSError:  # another claim got it first
                continue
            (taken / READY).unlink(missing_ok=True)
            for p in taken.iterdir():
                if p.name != LOCK_NAME:
                    os.rename(p, target / p.name)
            shutil.rmtree(taken, ignore_errors=True)
            st.state_key, st.instance = runner.project, runner.instance
            backend = get_backend(st.backend, st.project, st.compose_file, [Path(p) for p in st.overrides])
            services = backend.status()
            if not services or not all(s.state == "running" and s.health in ("", "healthy") for s in services):
                backend.down()  # died while waiting in the pool: never hand that out
                st.remove()
                continue
            st.started_at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")  # the attempt clock starts
            st.save()
            if refill:
                _refill_in_background(m)
            return LabContext(m, st, backend)
    return None


def swap(runner: LabRunner) -> LabContext | None:
    """Reset by exchange: the running instance moves aside, a ready pool instance of its flavour and seed takes its
    name (claim), and the old one is torn down in the background. None: no pool instance ready (nothing changed).
    The caller holds the instance's lock. The host ports are the pool instance's, not the old ones."""
    m, st = runner.manifest, runner.state()
    if st is None or st.phase or not ready(m, st.flavour, st.seed):
        return None
    old = POOL_PREFIX + "old-" + secrets.token_hex(4)  # never READY: no claim can take it
    aside = state_dir(project_name(m.id, old))
    was = st.state_key, st.instance
    os.rename(st.dir, aside)
    st.state_key, st.instance = aside.name, old
    st.save()
    ctx = claim(runner, st.flavour, st.seed)
    if ctx is None:  # the ready ones went to other claims meanwhile: the old instance comes back untouched
        os.rename(aside, state_dir(runner.project))
        st.state_key, st.instance = was
        st.save()
        return None
    _in_background(["--lab-dir", str(m.path.parent), "stop", m.id, "--instance", old], m)
    return ctx


def reset(runner: LabRunner, timeout: float = 180) -> tuple[LabContext, str]:
    """`altlab reset` and the practice server's Reset: a ready pool instance swapped in where there is one (a
    fraction of a second), else the runner's own reset (snapshot, reset steps or a fresh start); one lock for both."""
    with runner.lock("reset"):
        swapped = swap(runner)
        if swapped is not None:
            return swapped, "a fresh instance from the hot-start pool; the old one goes in the background"
        return runner.reset(timeout=timeout)


def _in_background(args: list[str], m: LabManifest) -> None:
    with open(_pools() / f"{m.id}.log", "ab") as log:
        subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", *args], stdin=subprocess.DEVNULL, stdout=log,
                         stderr=log, start_new_session=True)


def fill_in_background(m: LabManifest, size: int, *, flavour: str = "debian", seed: str | None = None) -> None:
    """`fill`, by a process of its own (the practice server fills its pools while it serves); claims refill."""
    write_private(_config(m.id), json.dumps({"size": size, "flavour": flavour, "seed": seed}))
    _refill_in_background(m)


def _refill_in_background(m: LabManifest) -> None:
    if _config(m.id).exists():
        _in_background(["--lab-dir", str(m.path.parent), "pool", "refill", m.id], m)


def drain(m: LabManifest, echo: Echo = print) -> int:
    """Stop every ready pool instance of the lab and forget its size; returns how many were stopped."""
    _config(m.id).unlink(missing_ok=True)
    with _fill_lock(m.id):
        gone = ready(m, any_seed=True)
        for st in gone:
            LabRunner(m, st.instance, echo=echo).stop()
    return len(gone)
