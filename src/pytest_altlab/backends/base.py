"""The Backend interface: what the lab lifecycle needs from whatever runs the containers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Backend", "Engine", "ExecResult", "ServiceStatus"]


@dataclass(frozen=True)
class ExecResult:
    """What a command run in a container (or by the engine's CLI) returned; argv where it is known."""

    returncode: int
    stdout: str
    stderr: str
    argv: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@dataclass(frozen=True)
class ServiceStatus:
    service: str
    container: str
    state: str  # running, exited, ...
    health: str  # healthy, unhealthy, starting, "" (no health check)
    ports: dict[int, int] = field(default_factory=dict)  # container port -> host port on 127.0.0.1


class Engine(ABC):
    """What the library needs from the engine beyond one project: other projects, images, probes."""

    @abstractmethod
    def running_projects(self) -> set[str]:
        """Projects of this state folder (see paths.home_tag) with at least one running container."""

    @abstractmethod
    def image_id(self, image: str) -> str | None:
        """The engine's id (digest) of a local image, or None where it is not there."""

    @abstractmethod
    def probe(self, image: str, script: str, *, ulimits: Sequence[str] = (), label: str = "") -> ExecResult:
        """Run `sh -c script` in a throwaway, network-less container of `image` (e.g. what limits it gets)."""


class Backend(ABC):
    """One lab instance's services (a compose project) on an engine."""

    project: str

    @abstractmethod
    def up(self, timeout: float) -> None:
        """Create and start every service; return once all are healthy, else raise ServiceNotHealthy."""

    @abstractmethod
    def down(self) -> None:
        """Remove containers, networks and volumes of the project."""

    @abstractmethod
    def restart(self, services: Sequence[str], timeout: float) -> None:
        """Restart services in place (same containers, same filesystems) and wait until healthy."""

    @abstractmethod
    def recreate(self, services: Sequence[str], timeout: float) -> None:
        """Remove the services' containers and create them anew (volumes kept), then wait until healthy."""

    def resume(self, services: Sequence[str], paused: Sequence[str], timeout: float) -> None:
        """Start the stopped (unpause the `paused`, create the missing) services, keeping volumes; wait healthy."""
        from ..errors import AltlabError

        raise AltlabError(f"this engine cannot resume {self.project}", hint="altlab start LAB --fresh starts anew")

    @abstractmethod
    def validate(self) -> None:
        """Check the service definitions (with overrides) without touching anything."""

    @abstractmethod
    def inspect(self, service: str) -> dict[str, Any]:
        """The engine's view of a service's container (config, state, health, restart policy)."""

    @abstractmethod
    def exec(self, service: str, argv: Sequence[str], *, user: str | None = None,
             env: dict[str, str] | None = None, input: str | None = None,
             timeout: float | None = 120) -> ExecResult:
        """Run a command in a service container; never raises for a non-zero exit."""

    @abstractmethod
    def interactive(self, service: str, argv: Sequence[str], user: str | None = None) -> int:
        """Attach the user's terminal to a command in the service container."""

    @abstractmethod
    def status(self) -> list[ServiceStatus]:
        """Every container of the project, running or not."""

    @abstractmethod
    def logs(self, service: str | None = None, tail: int = 50) -> str: ...

    @abstractmethod
    def leftovers(self) -> dict[str, list[str]]:
        """Containers, networks and volumes still labelled with the project (empty after down)."""

    @abstractmethod
    def sweep(self) -> None:
        """Remove whatever still carries this project's label, also without its files (state lost)."""

    @abstractmethod
    def container(self, service: str) -> str:
        """The engine's name of a service's container (what an exec stream attaches to)."""

    def diff(self, service: str) -> list[tuple[str, str]]:
        """How the service container's filesystem differs from its image: (A|C|D, path) for added, changed,
        deleted (volumes and bind mounts excluded). Not abstract: a backend without it reports "not checked"."""
        raise NotImplementedError(f"{type(self).__name__} cannot compare a container with its image")

    def snapshot(self) -> dict[str, Any]:
        """Save every service's filesystem and volumes as they are now, labelled with the project (down removes
        them); returns what `restore` needs (JSON-able). Raises AltlabError where the services keep state a
        snapshot cannot hold (tmpfs, writable host paths). Not abstract: a backend without it resets afresh."""
        raise NotImplementedError(f"{type(self).__name__} cannot snapshot a project")

    def restore(self, snap: dict[str, Any], timeout: float) -> None:
        """Replace the services' containers and volumes with the snapshot's (same config, ports, networks) and
        wait until healthy."""
        raise NotImplementedError(f"{type(self).__name__} cannot restore a snapshot")

    ready_status: list[ServiceStatus] | None = None  # what the last up/restart saw, if still current

    def port(self, service: str, container_port: int) -> int:
        for s in self.ready_status or self.status():
            if s.service == service and container_port in s.ports:
                return s.ports[container_port]
        from ..errors import AltlabError

        raise AltlabError(
            f"service '{service}' publishes no port {container_port} (is it running?)",
            hint="`altlab status LAB` lists the services and their ports",
        )
