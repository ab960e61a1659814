"""A lab instance's lifecycle: start (up, break, task), restart, reset, stop; always through a backend."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path

from ..backends import Backend, get_backend
from ..composefile import free_port, render_compose
from ..composeyaml import dump_compose
from ..context import LabContext
from ..errors import AltlabError, DockerNotInstalled, DockerNotRunning, LabAlreadyRunning, LabNotRunning, PortInUse
from ..images import ensure_images
from ..instance import InstanceState, project_name, state_dir, validate_instance
from ..manifest import LabManifest, Step
from ..params import resolve_params
from ..paths import private_dir, write_private
from .guard import LabStopped, StartUnfinished, condition, instance_lock
from .snapshot import restore_snapshot, take_snapshot
from .steps import render_task, run_step

__all__ = ["LabRunner"]

Echo = Callable[[str], None]


class LabRunner:
    """One instance of a lab (a compose project): its saved state and its lifecycle."""

    def __init__(self, manifest: LabManifest, instance: str = "default", backend: str = "compose",
                 echo: Echo | None = None) -> None:
        self.manifest = manifest
        self.instance = validate_instance(instance)
        self.project = project_name(manifest.id, instance)
        self.backend_spec = backend
        self.echo: Echo = echo or (lambda s: None)

    # --- state -------------------------------------------------------------------------------

    def state(self) -> InstanceState | None:
        return InstanceState.load(self.project)

    def backend(self, state: InstanceState) -> Backend:
        return get_backend(state.backend, state.project, state.compose_file, [Path(p) for p in state.overrides])

    def _sweeper(self) -> Backend:
        """The project without its files: enough to find and remove what carries its label."""
        return get_backend(self.backend_spec, self.project)

    def _finished_state(self) -> InstanceState:
        """The saved state of a start that completed (else: not running, or a start that did not finish)."""
        st = self.state()
        if st is None:
            raise LabNotRunning(self.manifest.id, self.instance)
        if st.phase == "starting":
            raise StartUnfinished(self.manifest.id, self.instance)
        return st

    def running_state(self) -> InstanceState:
        return self._running()[0]

    def _running(self) -> tuple[InstanceState, Backend]:
        st = self._finished_state()
        backend = self.backend(st)
        status = backend.status()
        cond = condition(status)
        if cond != "running":
            if cond != "gone" or backend.leftovers()["volumes"]:
                raise LabStopped(self.manifest.id, self.instance, "stopped" if cond == "gone" else cond)
            raise LabNotRunning(self.manifest.id, self.instance)
        backend.ready_status = status  # its ports serve the grading that follows (a restart clears them)
        return st, backend

    def lock(self, action: str) -> AbstractContextManager[None]:
        """One lifecycle action at a time on this instance, across processes (see lab.guard)."""
        return instance_lock(state_dir(self.project), self.manifest.id, self.instance, action)

    def recover(self) -> bool:
        """Remove what a start that died half-way left (its marker says so); True where there was one.

        Only a dead start's leftovers go: a start still alive holds the lock, and this refuses."""
        st = self.state()
        if st is None or st.phase != "starting":
            return False
        with self.lock("cleaned up"):
            st = self.state()
            if st is None or st.phase != "starting":
                return False
            self.echo(f"an earlier start of {self.manifest.id} did not finish: removing what it created")
            self._down(st)
            st.remove()
            return True

    def _down(self, st: InstanceState) -> None:
        try:
            self.backend(st).down()
        except AltlabError as e:
            if isinstance(e, (DockerNotInstalled, DockerNotRunning)):
                raise
            self._sweeper().sweep()  # compose cannot read the files (half written): go by the label

    def context(self) -> LabContext:
        return LabContext(self.manifest, *self._running())

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self, *, flavour: str = "debian", seed: str | None = None,
              fixed_ports: dict[tuple[str, int], int] | None = None, timeout: float = 180,
              apply_break: bool = True, fresh: bool = False) -> LabContext:
        """Start the instance. A stopped or paused one holds the candidate's work: it is refused unless
        `fresh` (the explicit request to delete it); what a killed start left is cleared first."""
        m = self.manifest
        if flavour not in m.flavours:
            raise AltlabError(f"lab '{m.id}' does not run on the {flavour} flavour",
                              hint="its flavours: " + ", ".join(m.flavours))
        with self.lock("started"):
            self.recover()
            old = self.state()
            if old is not None:
                backend = self.backend(old)
                cond = condition(backend.status())
                if cond == "running" and not fresh:
                    raise LabAlreadyRunning(m.id, self.instance)
                if not fresh and (cond != "gone" or backend.leftovers()["volumes"]):
                    raise LabStopped(m.id, self.instance, "stopped" if cond == "gone" else cond)
                self._down(old)  # asked for (--fresh), or nothing of the candidate's is left in it
                old.remove()
            return self._start(flavour, seed, fixed_ports, timeout, apply_break, swept=old is not None)

    def _start(self, flavour: str, seed: str | None, fixed_ports: dict[tuple[str, int], int] | None,
               timeout: float, apply_break: bool, swept: bool = False) -> LabContext:
        m = self.manifest
        # Meanwhile, clear containers of a run whose state was lost (e.g. ALTLAB_HOME wiped).
        with ThreadPoolExecutor(max_workers=1) as pool:
            sweep = pool.submit(self._sweeper().sweep) if not swept else None
            images = ensure_images(m, flavour, self.echo)
            if sweep:
                sweep.result()  # re-raises the sweep's error (e.g. Docker not running) here
        params = resolve_params(m, seed)
        st = InstanceState(lab_id=m.id, instance=self.instance, project=self.project, flavour=flavour,
                           seed=seed, params=params, backend=self.backend_spec, lab_version=m.version,
                           started_at=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                           servers={svc: {"image": img} for svc, img in images.items()},
                           fixed_ports=[[s, c, h] for (s, c), h in (fixed_ports or {}).items()], phase="starting")
        private_dir(st.dir)
        if (m.path / "workspace").is_dir():  # files the candidate edits on the host (see `altlab apply`)
            shutil.copytree(m.path / "workspace", st.workspace, dirs_exist_ok=True)
        backend = self.backend(st)
        # From here on, any failure or Ctrl-C removes everything this start created.
        try:
            self.echo(f"starting {m.id} ({flavour}) as compose project {self.project}")
            for attempt in range(3):
                ports = dict(fixed_ports or {})
                doc = render_compose(m, flavour, self.project, ports, allocate=free_port)
                st.ports = [[s, c, h] for (s, c), h in ports.items()]
                write_private(st.compose_file, dump_compose(doc))
                st.save()
                try:
                    backend.up(timeout)
                    break
                except PortInUse:
                    # A port we picked was taken before Docker bound it: pick again. A port the
                    # user pinned is theirs to free, so that error goes straight to them.
                    if fixed_ports or attempt == 2:
                        raise
                    backend.down()
            self.echo("services up and healthy")
            ctx = LabContext(m, st, backend)
            if apply_break:
                self.apply_steps(ctx, m.break_steps, "break step")
                take_snapshot(ctx, self.echo)  # what `reset` restores in seconds
            write_private(st.task_file, render_task(m, params, flavour, {"workspace": str(st.workspace)}))
            st.phase = ""  # ready: from now on the instance holds the candidate's work
            st.save()
            return ctx
        except BaseException:
            self.echo(f"start of {m.id} failed or was interrupted: removing containers, networks and volumes")
            try:
                backend.down()
            finally:
                st.remove()
            raise

    def stop(self) -> dict[str, list[str]]:
        """Remove everything of the instance; returns what is left (empty when all went)."""
        with self.lock("stopped"):
            return self._stop()

    def _stop(self) -> dict[str, list[str]]:
        st = self.state()
        backend = self.backend(st) if st else self._sweeper()
        try:
            if st is None or not st.compose_file.exists():
                raise LabNotRunning(self.manifest.id, self.instance)
            backend.down()
        except AltlabError as e:
            if isinstance(e, (DockerNotInstalled, DockerNotRunning)):
                raise
            # No state, or compose cannot read the files (e.g. a broken override): go by the label.
            self._sweeper().sweep()
        if st is not None:
            st.remove()
        return backend.leftovers()

    def reset(self, timeout: float = 180) -> tuple[LabContext, str]:
        """Back to the broken state: the snapshot taken after the break step, else reset steps, else a fresh start.

        Either way it is a new run: the hint ledger and the attempt clock start again."""
        with self.lock("reset"):
            return self._reset(timeout)

    def _reset(self, timeout: float) -> tuple[LabContext, str]:
        self.recover()
        m = self.manifest
        try:
            st = self.running_state()
            in_place, running = bool(m.reset_steps), True
        except LabStopped:  # a reset is the explicit request to discard the work: a stopped lab starts afresh
            stopped = self.state()
            assert stopped is not None
            st, in_place, running = stopped, False, False
        if running:  # the broken state's snapshot first, where the start took one
            restored = restore_snapshot(m, st, self.backend(st), timeout)
            if restored is not None:
                return restored, "restored from the snapshot"
        if in_place:
            ctx = LabContext(m, st, self.backend(st))
            st.phase = "starting"  # killed half-way: the next command clears it (a reset discards the work anyway)
            st.save()
            self.apply_steps(ctx, m.reset_steps, "reset step")
            self.apply_steps(ctx, m.break_steps, "break step")
            st.started_at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
            st.phase = ""
            st.save()
            return ctx, "reset in place"
        # The same host ports as before where they are still free: the candidate's clients keep working.
        ports = {(s, int(c)): int(h) for s, c, h in (st.ports or st.fixed_ports)}
        self._stop()
        return self._start(st.flavour, st.seed, ports, timeout, True, swept=True), "fresh start"

    def apply_workspace(self, timeout: float = 180) -> LabContext:
        """Merge the candidate's workspace/compose.override.yaml into the running lab (see lab.workspace)."""
        from .workspace import apply_workspace

        with self.lock("changed"):
            return apply_workspace(self.manifest, self.running_state(), timeout)

    def restart(self, services: Sequence[str] | None = None, timeout: float = 180) -> tuple[LabContext, list[str]]:
        """Restart services in place; a stopped or paused lab is brought back first (volumes kept).
        Returns the context and the services that were down."""
        with self.lock("restarted"):
            down = self._resume(timeout)
            ctx = self.context()
            if not down:
                ctx.restart(services, timeout)
            return ctx, down

    def resume(self, timeout: float = 180) -> tuple[LabContext, list[str]]:
        """Bring back only what is down (stopped, paused or removed containers), keeping every volume."""
        with self.lock("resumed"):
            down = self._resume(timeout)
            return self.context(), down

    def _resume(self, timeout: float) -> list[str]:
        st = self._finished_state()
        backend = self.backend(st)
        first: list[str] | None = None
        for _ in range(3):  # a container still being removed (`docker rm -f` racing us) is missed once
            have = {s.service: s for s in backend.status()}
            down = [s.name for s in self.manifest.services if s.name not in have or have[s.name].state != "running"]
            first = down if first is None else first
            if not down:
                break
            backend.resume(down, [n for n in down if n in have and have[n].state == "paused"], timeout)
        else:
            raise AltlabError(f"lab '{self.manifest.id}' (instance '{self.instance}'): {', '.join(down)} did not "
                              "come back", hint=f"`altlab logs {self.manifest.id}` says why")
        return first or []

    def apply_steps(self, ctx: LabContext, steps: Sequence[Step], what: str) -> None:
        for step in steps:
            self.echo(f"{what} {step.run.name}")
            run_step(ctx, step, what)

    def task(self) -> str:
        st = self.running_state()
        return st.task_file.read_text(encoding="utf-8") if st.task_file.exists() else ""
