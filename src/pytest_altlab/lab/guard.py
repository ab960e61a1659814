"""Guards of one instance: a lock so one lifecycle action runs at a time, and what a leftover instance is."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..backends.base import ServiceStatus
from ..errors import AltlabError, LabNotRunning
from ..paths import private_dir

__all__ = ["InstanceBusy", "LabStopped", "StartUnfinished", "condition", "instance_lock"]

LOCK_NAME = ".lock"  # kept when the state goes (see InstanceState.remove): a lock must outlive what it guards

# Locks this process holds, by file, with the thread holding each: an action that runs another
# (reset -> stop + start) re-enters its own lock instead of waiting for itself.
_held: dict[str, int] = {}
_held_guard = threading.Lock()


def _which(lab_id: str, instance: str) -> str:
    return lab_id if instance == "default" else f"{lab_id} --instance {instance}"


class InstanceBusy(AltlabError):
    """Another process holds the instance's lock (starting, stopping, resetting it)."""

    def __init__(self, lab_id: str, instance: str, holder: str) -> None:
        action, _, pid = holder.rpartition(" ") if holder[-1:].isdigit() else (holder, "", "")
        super().__init__(f"lab '{lab_id}' (instance '{instance}') is being {action} by another process"
                         + (f" (pid {pid})" if pid else ""),
                         hint="wait for it to finish, then run your command again")


class LabStopped(LabNotRunning):
    """The instance exists (containers stopped or paused, or only its volumes left): the candidate's work is there."""

    def __init__(self, lab_id: str, instance: str, how: str) -> None:
        which = _which(lab_id, instance)
        AltlabError.__init__(
            self, f"lab '{lab_id}' (instance '{instance}') is {how}: `altlab restart {which}` "
                  f"(or `altlab resume {which}`) brings it back with your work",
            hint=f"`altlab start {which} --fresh` deletes it (volumes too) and starts anew")


class StartUnfinished(LabNotRunning):
    """A start that died before it finished (killed, power loss): nothing of the candidate's is in it yet."""

    def __init__(self, lab_id: str, instance: str) -> None:
        which = _which(lab_id, instance)
        AltlabError.__init__(self, f"an earlier start of lab '{lab_id}' (instance '{instance}') did not finish",
                             hint=f"`altlab start {which}` removes what it left and starts again")


def condition(services: Sequence[ServiceStatus]) -> str:
    """running (at least one container runs), paused, stopped, or gone (no container at all)."""
    if not services:
        return "gone"
    states = {s.state for s in services}
    if "running" in states:
        return "running"
    return "paused" if "paused" in states else "stopped"


@contextmanager
def instance_lock(folder: Path, lab_id: str, instance: str, action: str) -> Iterator[None]:
    """Hold the instance's lock for `action` ("started", "stopped", ...), or refuse at once: a second
    `altlab start` says who is busy instead of queueing behind (or racing) the first."""
    private_dir(folder)
    path = folder / LOCK_NAME
    me = threading.get_ident()
    with _held_guard:
        reentry = _held.get(str(path)) == me
    if reentry:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "changed"
            raise InstanceBusy(lab_id, instance, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{action} {os.getpid()}".encode(), 0)
        with _held_guard:
            _held[str(path)] = me
        try:
            yield
        finally:
            with _held_guard:
                _held.pop(str(path), None)
    finally:
        os.close(fd)  # releases the flock; a killed process releases it too (the kernel closes its files)
