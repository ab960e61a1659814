"""LabContext: what checks and host-side steps see of a running lab (parameters, ports, exec)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .backends import Backend, ExecResult
from .instance import InstanceState
from .manifest import LabManifest

__all__ = ["LabContext", "Params"]

T = TypeVar("T")


def _clip(v: Any, limit: int = 4000) -> Any:
    if isinstance(v, str) and len(v) > limit:
        return v[:limit] + f"... ({len(v) - limit} more characters)"
    return v


class Params:
    """Read-only parameter values: `lab.params.vhost` or `lab.params["vhost"]`."""

    _values: dict[str, str]

    def __init__(self, values: dict[str, str]) -> None:
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name: str) -> str:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"lab has no parameter '{name}'; known: {', '.join(sorted(self._values))}") from None

    def __getitem__(self, name: str) -> str:
        return self.__getattr__(name)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("lab parameters are read-only")

    def as_dict(self) -> dict[str, str]:
        return dict(self._values)

    def env(self) -> dict[str, str]:
        """Parameters as environment variables for scripts: vhost -> VHOST."""
        return {k.upper(): v for k, v in self._values.items()}


class LabContext:
    host = "127.0.0.1"  # lab services are only ever reached on loopback

    def __init__(self, manifest: LabManifest, state: InstanceState, backend: Backend) -> None:
        self.manifest = manifest  # the validated lab.yaml (LabManifest)
        self.state = state  # the running instance: flavour, seed, parameter values
        self.backend = backend  # the engine; checks go through the methods below, never through it directly
        self.params = Params(state.params)  # parameter values: `lab.params.vhost`, `lab.params["vhost"]`
        self.generation = 0  # bumped on every restart: cached observations become stale
        self._cache: dict[Any, Any] = {}
        # The raw observations the current check judged (set by the plugin per check): the evidence.
        # Thread-local: a background probe (server versions) never lands in a check's evidence.
        self._local = threading.local()

    @property
    def evidence(self) -> list[dict[str, Any]] | None:
        """The raw observations the current check recorded (None outside a check)."""
        return getattr(self._local, "evidence", None)

    @evidence.setter
    def evidence(self, value: list[dict[str, Any]] | None) -> None:
        self._local.evidence = value

    @property
    def id(self) -> str:
        """The lab's id."""
        return self.manifest.id

    @property
    def flavour(self) -> str:
        """The image flavour the lab runs on: debian or upstream."""
        return self.state.flavour

    @property
    def instance(self) -> str:
        """The running instance's name (`default`, or a candidate's in an exam)."""
        return self.state.instance

    def record(self, kind: str, **detail: Any) -> None:
        """Keep a raw observation (command output, API response) as evidence of the current check."""
        if self.evidence is not None and len(self.evidence) < 50:
            self.evidence.append({"kind": kind, **{k: _clip(v) for k, v in detail.items()}})

    def cached(self, key: Any, compute: Callable[[], T]) -> T:
        """Memoise an observation for this generation (e.g. one definitions export per grading)."""
        k = (self.generation, key)
        if k not in self._cache:
            self._cache[k] = compute()
        result: T = self._cache[k]
        return result

    def invalidate(self) -> None:
        """Forget every cached observation (after the services changed: a restart)."""
        self.generation += 1
        self._cache.clear()

    def port(self, service: str, container_port: int) -> int:
        """The host port on 127.0.0.1 that `container_port` of the service is published on."""
        return self.cached(("port", service, container_port), lambda: self.backend.port(service, container_port))

    def url(self, service: str, container_port: int, path: str = "", scheme: str = "http") -> str:
        """`http://127.0.0.1:<host port><path>` of a service's container port."""
        return f"{scheme}://{self.host}:{self.port(service, container_port)}{path}"

    def exec(self, service: str, cmd: str | Sequence[str], *, user: str | None = None,
             env: dict[str, str] | None = None, input: str | None = None, timeout: float = 120) -> ExecResult:
        """Run a command (an argv list, or a string for `sh -c`) in the service's container, recorded as
        evidence: ExecResult(returncode, stdout, stderr, ok). Checks run only commands that read."""
        argv = ["sh", "-c", cmd] if isinstance(cmd, str) else list(cmd)
        res = self.backend.exec(service, argv, user=user, env=env, input=input, timeout=timeout)
        self.record("exec", service=service, argv=argv, returncode=res.returncode, stdout=res.stdout,
                    stderr=res.stderr)
        return res

    def read_file(self, service: str, path: str) -> str | None:
        """A file's text in a service container, or None where it does not exist."""
        res = self.exec(service, ["cat", path])
        return res.stdout if res.ok else None

    def restart(self, services: Sequence[str] | None = None, timeout: float = 180) -> None:
        """Restart (or recreate, as lab.yaml's restart_mode says) the services, by default lab.yaml's `restart`."""
        chosen = list(services or self.manifest.restart)
        if self.manifest.restart_mode == "recreate":
            self.backend.recreate(chosen, timeout)
        else:
            self.backend.restart(chosen, timeout)
        self.invalidate()

    def inspect(self, service: str) -> dict[str, Any]:
        """The engine's view of the service's container: `docker inspect` (config, state, health)."""
        return self.backend.inspect(service)

    def poll(self, probe: Callable[[], tuple[bool, T]], within: float, every: float = 1.0) -> tuple[bool, T]:
        """Call `probe` (-> (done, observation)) until it is done or `within` seconds pass: (done, last seen)."""
        deadline = time.monotonic() + within
        while True:
            done, seen = probe()
            if done or time.monotonic() >= deadline:
                return done, seen
            time.sleep(every)

    def wait_until(self, probe: Callable[[], tuple[bool, T]], within: float, every: float = 1.0,
                   what: str = "the condition") -> T:
        """`poll`, and past `within` seconds an AssertionError that keeps the last observation: a check that
        waits fails with what it saw, and a step (which wraps errors) says what it waited for."""
        __tracebackhide__ = True
        done, seen = self.poll(probe, within, every)
        if not done:
            raise AssertionError(f"{what} did not happen within {within:g} s; last seen: {seen}")
        return seen

    def apply_override(self, text: str, timeout: float = 180) -> None:
        """Write `text` as the workspace's compose.override.yaml and apply it, as `altlab apply` does
        (for host-side steps: a reference solution or a variant that edits the candidate's file)."""
        from .lab.workspace import apply_workspace

        (self.state.workspace / "compose.override.yaml").write_text(text)
        applied = apply_workspace(self.manifest, self.state, timeout)
        self.state, self.backend = applied.state, applied.backend
        self.invalidate()
