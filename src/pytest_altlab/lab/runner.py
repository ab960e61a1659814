"""A lab instance's lifecycle: start (up, break, task), restart, reset, stop; always through a backend."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from ..backends import Backend, get_backend
from ..composefile import free_port, render_compose
from ..context import LabContext
from ..errors import AltlabError, DockerNotInstalled, DockerNotRunning, LabAlreadyRunning, LabNotRunning, PortInUse
from ..images import ensure_images
from ..instance import InstanceState, project_name, validate_instance
from ..manifest import LabManifest, Step
from ..params import resolve_params
from ..paths import private_dir, write_private
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

    def running_state(self) -> InstanceState:
        st = self.state()
        if st is None or not any(s.state == "running" for s in self.backend(st).status()):
            raise LabNotRunning(self.manifest.id, self.instance)
        return st

    def context(self) -> LabContext:
        st = self.running_state()
        return LabContext(self.manifest, st, self.backend(st))

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self, *, flavour: str = "debian", seed: str | None = None,
              fixed_ports: dict[tuple[str, int], int] | None = None, timeout: float = 180,
              apply_break: bool = True) -> LabContext:
        m = self.manifest
        if flavour not in m.flavours:
            raise AltlabError(f"lab '{m.id}' does not run on the {flavour} flavour",
                              hint="its flavours: " + ", ".join(m.flavours))
        old = self.state()
        if old is not None:
            if any(s.state == "running" for s in self.backend(old).status()):
                raise LabAlreadyRunning(m.id, self.instance)
            self.backend(old).down()  # a crashed or stopped leftover: clear it first
            old.remove()
        # Meanwhile, clear containers of a run whose state was lost (e.g. ALTLAB_HOME wiped).
        with ThreadPoolExecutor(max_workers=1) as pool:
            sweep = pool.submit(self._sweeper().sweep) if old is None else None
            images = ensure_images(m, flavour, self.echo)
            if sweep:
                sweep.result()  # re-raises the sweep's error (e.g. Docker not running) here
        params = resolve_params(m, seed)
        st = InstanceState(lab_id=m.id, instance=self.instance, project=self.project, flavour=flavour,
                           seed=seed, params=params, backend=self.backend_spec, lab_version=m.version,
                           started_at=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                           servers={svc: {"image": img} for svc, img in images.items()},
                           fixed_ports=[[s, c, h] for (s, c), h in (fixed_ports or {}).items()])
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
                write_private(st.compose_file, yaml.safe_dump(doc, sort_keys=False))
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
            ctx = LabContext(m, st, backend)
            if apply_break:
                self.apply_steps(ctx, m.break_steps, "break step")
                take_snapshot(ctx, self.echo)  # what `reset` restores in seconds
            write_private(st.task_file, render_task(m, params, flavour, {"workspace": str(st.workspace)}))
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
        st = self.running_state()
        m = self.manifest
        restored = restore_snapshot(m, st, self.backend(st), timeout)
        if restored is not None:
            return restored, "restored from the snapshot"
        if m.reset_steps:
            ctx = LabContext(m, st, self.backend(st))
            self.apply_steps(ctx, m.reset_steps, "reset step")
            self.apply_steps(ctx, m.break_steps, "break step")
            st.started_at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
            st.save()
            return ctx, "reset in place"
        # The same host ports as before where they are still free: the candidate's clients keep working.
        ports = {(s, int(c)): int(h) for s, c, h in (st.ports or st.fixed_ports)}
        self.stop()
        return self.start(flavour=st.flavour, seed=st.seed, fixed_ports=ports, timeout=timeout), "fresh start"

    def apply_workspace(self, timeout: float = 180) -> LabContext:
        """Merge the candidate's workspace/compose.override.yaml into the running lab (see lab.workspace)."""
        from .workspace import apply_workspace

        return apply_workspace(self.manifest, self.running_state(), timeout)

    def restart(self, services: Sequence[str] | None = None, timeout: float = 180) -> None:
        ctx = self.context()
        ctx.restart(services, timeout)

    def apply_steps(self, ctx: LabContext, steps: Sequence[Step], what: str) -> None:
        for step in steps:
            run_step(ctx, step, what)

    def task(self) -> str:
        st = self.running_state()
        return st.task_file.read_text(encoding="utf-8") if st.task_file.exists() else ""
