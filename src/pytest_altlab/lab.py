"""A lab instance's lifecycle: start (up, break, task), steps, restart, stop; through a backend."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from .backends import Backend, get_backend
from .composefile import free_port, load_service_file, render_compose
from .context import LabContext
from .errors import (
    AltlabError,
    DockerNotInstalled,
    DockerNotRunning,
    LabAlreadyRunning,
    LabNotRunning,
    ManifestError,
    PortInUse,
    StepFailed,
)
from .images import ensure_images
from .instance import InstanceState, project_name, validate_instance
from .manifest import LabManifest, Step, resolve_params

__all__ = ["LabRunner", "probe_versions", "render_task", "run_step"]

Echo = Callable[[str], None]
PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


def render_task(manifest: LabManifest, params: dict[str, str], flavour: str,
                extra: dict[str, str] | None = None) -> str:
    """TASK.md with {{ name }} filled from the parameters (and `workspace`, the candidate's folder)."""
    text = manifest.task_file.read_text(encoding="utf-8")
    params = {**(extra or {}), **params}

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in params:
            raise ManifestError(str(manifest.task_file), "{{ " + name + " }}", name,
                                "a parameter declared in lab.yaml: " + ", ".join(sorted(params)))
        return params[name]

    out = PLACEHOLDER.sub(sub, text)
    note = manifest.note_for(flavour)
    if note:
        out += f"\n\n> **Note ({flavour} flavour):** {note}\n"
    return out


class LabRunner:
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
            sweep = pool.submit(_down_by_label, self.project) if old is None else None
            images = ensure_images(m, flavour, self.echo)
            if sweep:
                sweep.result()  # re-raises the sweep's error (e.g. Docker not running) here
        params = resolve_params(m, seed)
        st = InstanceState(lab_id=m.id, instance=self.instance, project=self.project, flavour=flavour,
                           seed=seed, params=params, backend=self.backend_spec, lab_version=m.version,
                           started_at=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                           servers={svc: {"image": img} for svc, img in images.items()},
                           fixed_ports=[[s, c, h] for (s, c), h in (fixed_ports or {}).items()])
        st.dir.mkdir(parents=True, exist_ok=True)
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
                st.compose_file.write_text(yaml.safe_dump(doc, sort_keys=False))
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
            st.task_file.write_text(render_task(m, params, flavour, {"workspace": str(st.workspace)}))
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
        from .backends.compose import ComposeBackend

        backend = self.backend(st) if st else ComposeBackend(self.project, Path("/dev/null"))
        try:
            if st is None or not st.compose_file.exists():
                raise LabNotRunning(self.manifest.id, self.instance)
            backend.down()
        except AltlabError as e:
            if isinstance(e, (DockerNotInstalled, DockerNotRunning)):
                raise
            # No state, or compose cannot read the files (e.g. a broken override): go by the label.
            _down_by_label(self.project)
        if st is not None:
            st.remove()
        return backend.leftovers()

    def reset(self, timeout: float = 180) -> tuple[LabContext, str]:
        """Back to the broken state: the lab's reset steps where it has them, else a fresh start.

        Either way it is a new run: the hint ledger and the attempt clock start again."""
        st = self.running_state()
        m = self.manifest
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
        """Merge the candidate's workspace/compose.override.yaml into the running lab (compose -f ... -f ...)."""
        st = self.running_state()
        override = st.workspace / "compose.override.yaml"
        if not override.is_file():
            raise AltlabError(f"lab '{self.manifest.id}' has no {override}",
                              hint="only labs that hand you a workspace can be changed with `altlab apply`")
        check_override(override, [s.name for s in self.manifest.services])
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
                self.backend(st).up(timeout)
            except AltlabError:
                pass
            raise AltlabError(f"your change was not applied; the lab runs as before it\n{e}",
                              hint="fix compose.override.yaml and run `altlab apply` again") from None
        return LabContext(self.manifest, st, trial)

    def restart(self, services: Sequence[str] | None = None, timeout: float = 180) -> None:
        ctx = self.context()
        ctx.restart(services, timeout)

    def apply_steps(self, ctx: LabContext, steps: Sequence[Step], what: str) -> None:
        for step in steps:
            run_step(ctx, step, what)

    def task(self) -> str:
        st = self.running_state()
        return st.task_file.read_text(encoding="utf-8") if st.task_file.exists() else ""


def run_step(ctx: LabContext, step: Step, what: str) -> None:
    """A .sh step runs inside its service container with the parameters as env; a .py step on the host."""
    label = f"{what} {step.run.name}"
    if step.on_host:
        spec = importlib.util.spec_from_file_location(f"altlab_step_{step.run.stem}_{id(step)}", step.run)
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        try:
            spec.loader.exec_module(mod)
            fn = getattr(mod, "apply", None)
            if fn is None:
                raise StepFailed(label, f"{step.run} defines no `apply(lab)` function")
            fn(ctx)
            ctx.invalidate()
        except AltlabError:
            raise
        except Exception as e:  # a broken step is the lab author's problem: say which and why
            raise StepFailed(label, f"{type(e).__name__}: {e}") from e
        finally:
            sys.modules.pop(spec.name, None)
        return
    assert step.service is not None
    script = step.run.read_text(encoding="utf-8")
    shell = "bash" if script.startswith("#!") and "bash" in script.splitlines()[0] else "sh"
    env = {**ctx.params.env(), "ALTLAB_LAB": ctx.id, "ALTLAB_FLAVOUR": ctx.flavour}
    res = ctx.exec(step.service, [shell, "-s"], user=step.user, env=env, input=script, timeout=600)
    if not res.ok:
        out = (res.stdout + res.stderr).strip().splitlines()[-20:]
        raise StepFailed(label, f"exit {res.returncode} in service '{step.service}':\n" + "\n".join(out))
    ctx.invalidate()


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


def probe_versions(ctx: LabContext) -> dict[str, str]:
    """Server versions as the services report them (each service file names its version command)."""
    out = {}
    for spec in ctx.manifest.services:
        cmd = load_service_file(spec.use, ctx.manifest.path).version_command(ctx.flavour)
        if cmd:
            res = ctx.exec(spec.name, list(cmd), timeout=60)
            if res.ok and res.stdout.strip():
                out[spec.name] = res.stdout.strip().splitlines()[-1]
    return out


def _down_by_label(project: str) -> None:
    from . import docker

    flt = f"label=com.docker.compose.project={project}"
    ids = docker.run(["ps", "-aq", "--filter", flt]).stdout.split()
    if not ids and not docker.run(["volume", "ls", "-q", "--filter", flt]).stdout.split():
        return
    if ids:
        docker.run(["rm", "-f", "-v", *ids])
    for kind in ("network", "volume"):
        ids = docker.run([kind, "ls", "-q", "--filter", flt]).stdout.split()
        if ids:
            docker.run([kind, "rm", *ids], check=False)
