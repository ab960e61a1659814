"""Docker Compose backend: one compose project per running lab instance."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .. import docker
from ..errors import CommandFailed, ServiceNotHealthy
from ..paths import home_tag
from . import snapshots
from .base import Backend, Engine, ExecResult, ServiceStatus

__all__ = ["ComposeBackend", "DockerEngine"]

PROJECT_LABEL = "com.docker.compose.project"


class DockerEngine(Engine):
    def running_projects(self) -> set[str]:
        # status=running: a paused container is not a working environment (docker ps lists it otherwise).
        res = docker.run(["ps", "--filter", f"label=io.altlab.home={home_tag()}", "--filter", "status=running",
                          "--format",
                          '{{.Label "io.altlab.project"}}'])
        return set(res.stdout.split())

    def image_id(self, image: str) -> str | None:
        res = docker.run(["image", "inspect", "--format", "{{.Id}}", image], check=False, timeout=60)
        return res.stdout.strip() if res.ok and res.stdout.strip() else None

    def probe(self, image: str, script: str, *, ulimits: Sequence[str] = (), label: str = "") -> ExecResult:
        labels = ["--label", label] if label else []
        return docker.run(["run", "--rm", "--network", "none", *labels, *ulimits, "--entrypoint", "sh",
                           image, "-c", script], check=False, timeout=120)


class ComposeBackend(Backend):
    def __init__(self, project: str, compose_file: Path | None, overrides: Sequence[Path] = ()) -> None:
        self.project = project
        self.compose_file = compose_file or Path("/dev/null")  # none: only sweep/leftovers/status by label
        self.overrides = list(overrides)  # candidate-edited files merged by compose itself
        self.ready_status: list[ServiceStatus] | None = None

    def _compose(self, *args: str) -> list[str]:
        files = [a for f in [self.compose_file, *self.overrides] for a in ("-f", str(f))]
        return ["compose", "-p", self.project, *files, *args]

    def up(self, timeout: float) -> None:
        res = docker.run(self._compose("up", "-d", "--wait", "--wait-timeout", str(int(timeout)),
                                       "--pull", "never", "--quiet-pull"),
                         check=False, timeout=timeout + 60)
        # compose v2.40 against a 20.10 engine can exit 0 after a daemon error: read stderr too.
        if not res.ok or "Error response from daemon" in res.stderr:
            err = docker.classify(ExecResult(res.returncode or 1, res.stdout, res.stderr, res.argv))
            if isinstance(err, CommandFailed) and self.status():
                # Show the engine's own words too (e.g. a refused ulimit): state=created alone says little.
                said = "\n".join(line for line in res.stderr.splitlines()
                                 if "Error" in line or "error" in line)[-1500:]
                details = self._health_report() + (f"\ncompose said:\n{said}" if said else "")
                raise ServiceNotHealthy(self.project, details, timeout)
            raise err
        self._check_healthy(timeout)

    def _check_healthy(self, timeout: float) -> None:
        # `up --wait` of some compose releases exits 0 although a container went unhealthy:
        # trust the containers' own state, not the exit code.
        current = self.status()
        if any(s.state != "running" or s.health not in ("", "healthy") for s in current):
            raise ServiceNotHealthy(self.project, self._health_report(), timeout)
        # Ports stay as they are until the next restart: port lookups right after start cost nothing.
        self.ready_status = current

    def _health_report(self) -> str:
        parts = []
        for s in self.status():
            line = f"{s.service}: state={s.state} health={s.health or '-'}"
            if s.health != "healthy":
                logs = self.logs(s.service, tail=15).rstrip()
                line += "\n  last log lines:\n" + "\n".join("    " + x for x in logs.splitlines()[-15:])
            parts.append(line)
        return "\n".join(parts)

    def down(self) -> None:
        # Volumes go too: a stopped lab leaves nothing behind. Ignore SIGINT so a second Ctrl-C
        # cannot interrupt the cleanup that the first one asked for.
        old = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
        try:
            docker.run(self._compose("down", "--volumes", "--remove-orphans", "--timeout", "5"), timeout=180)
            if self._snapshot_file.exists():  # only a project that took one pays for the look-up
                snapshots.remove(self.project)
                self._snapshot_file.unlink(missing_ok=True)
        finally:
            if old is not None:
                signal.signal(signal.SIGINT, old)

    def restart(self, services: Sequence[str], timeout: float) -> None:
        self.ready_status = None
        docker.run(self._compose("restart", "--timeout", "20", *services), timeout=180)
        # `up --wait` on running containers recreates nothing and just waits for health.
        self._up_no_recreate(services, timeout)

    def _up_no_recreate(self, services: Sequence[str], timeout: float) -> None:
        """Start what is stopped, create what is missing, recreate nothing (volumes stay); wait for health."""
        res = docker.run(self._compose("up", "-d", "--wait", "--wait-timeout", str(int(timeout)),
                                       "--no-recreate", "--pull", "never", *services),
                         check=False, timeout=timeout + 60)
        if not res.ok:
            raise ServiceNotHealthy(self.project, self._health_report(), timeout)
        self._check_healthy(timeout)

    def resume(self, services: Sequence[str], paused: Sequence[str], timeout: float) -> None:
        self.ready_status = None
        if paused:
            docker.run(self._compose("unpause", *paused), timeout=60)
            # Health checks failed while paused: `up --wait` would give up on "unhealthy" at once.
            # The next check after the unpause decides; wait for it.
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and any(s.health == "unhealthy" for s in self.status()):
                time.sleep(0.5)
        self._up_no_recreate(services, timeout)

    def recreate(self, services: Sequence[str], timeout: float) -> None:
        self.ready_status = None
        # Like `down` + `up` for these services, keeping the network and every volume.
        # -v removes only anonymous volumes (the new container would get fresh ones anyway), never named ones.
        docker.run(self._compose("rm", "--stop", "--force", "-v", *services), timeout=180)
        self.up(timeout)

    @property
    def _snapshot_file(self) -> Path:
        return self.compose_file.with_name("snapshot.compose.yaml")

    def snapshot(self) -> dict[str, Any]:
        self._snapshot_file.write_text("{}\n", encoding="utf-8")  # first: an interrupted snapshot is removed by down
        snap = snapshots.take(self.project, {s.service: s.container for s in self.status()})
        snapshots.write_override(self._snapshot_file, snap)
        return snap

    def restore(self, snap: dict[str, Any], timeout: float) -> None:
        self.ready_status = None
        ids = docker.run(["ps", "-aq", "--filter", f"label={PROJECT_LABEL}={self.project}"]).stdout.split()
        snapshots.write_override(self._snapshot_file, snap)
        files = [*self._compose(), "-f", str(self._snapshot_file)]
        # Killed, not stopped: their state is thrown away, so a graceful shutdown would only cost time.
        if ids:
            docker.run(["kill", *ids], check=False, timeout=60)
        if snapshots.all_named(snap):
            # Named volumes outlive the containers: refill them while the dead containers are removed.
            with ThreadPoolExecutor(max_workers=1) as pool:
                gone = pool.submit(docker.run, ["rm", "-f", *ids], timeout=180) if ids else None
                snapshots.refill_named(self.project, snap)
                if gone:
                    gone.result()
        else:
            # Anonymous volumes exist only with their container: create the new ones, refill, then start.
            if ids:
                docker.run(["rm", "-f", "-v", *ids], timeout=180)
            docker.run([*files, "up", "--no-start", "--pull", "never", "--quiet-pull"], timeout=180)
            snapshots.restore_volumes(self.project, {svc: self.container(svc) for svc in snap["services"]}, snap)
        # Created from the snapshot images with the instance's own compose file: same ports, networks, labels.
        # `up -d` still starts a service only once its dependencies are healthy; the last wait is ours.
        docker.run([*files, "up", "-d", "--pull", "never", "--quiet-pull"], timeout=timeout + 60)
        ready = snapshots.wait_healthy({svc: self.container(svc) for svc in snap["services"]}, timeout)
        if ready is None:
            raise ServiceNotHealthy(self.project, self._health_report(), timeout)
        self.ready_status = ready

    def validate(self) -> None:
        res = docker.run(self._compose("config", "--quiet"), check=False, timeout=60)
        if not res.ok:
            raise CommandFailed(res.argv, res.returncode, res.stderr,
                                hint="fix the file and apply again; nothing was changed")

    def inspect(self, service: str) -> dict[str, Any]:
        res = docker.run(["inspect", self.container(service)], timeout=60)
        data = json.loads(res.stdout)
        return dict(data[0]) if data else {}

    def exec(self, service: str, argv: Sequence[str], *, user: str | None = None,
             env: dict[str, str] | None = None, input: str | None = None,
             timeout: float | None = 120) -> ExecResult:
        args = ["exec"]
        if input is not None:
            args.append("-i")
        if user:
            args += ["-u", user]
        for k, v in (env or {}).items():
            args += ["-e", f"{k}={v}"]
        # Plain `docker exec` on the container: about 3x faster than `docker compose exec`.
        res = docker.run([*args, self.container(service), *argv], input=input, timeout=timeout, check=False)
        if res.returncode in (125, 126) and "No such container" in res.stderr:
            docker.run(["info"], timeout=30)  # raises DockerNotRunning where that is the cause
        return ExecResult(res.returncode, res.stdout, res.stderr)

    def diff(self, service: str) -> list[tuple[str, str]]:
        res = docker.run(["diff", self.container(service)], timeout=120)
        return [(line[0], line[2:]) for line in res.stdout.splitlines() if len(line) > 2 and line[1] == " "]

    def container(self, service: str) -> str:
        # compose v2 names containers <project>-<service>-<index>
        return f"{self.project}-{service}-1"

    def interactive(self, service: str, argv: Sequence[str], user: str | None = None) -> int:
        tty = ["-it"] if os.isatty(0) and os.isatty(1) else ["-i"]
        cmd = [docker.docker_bin(), "exec", *tty, *(["-u", user] if user else []), self.container(service), *argv]
        return subprocess.call(cmd)

    def status(self) -> list[ServiceStatus]:
        # The engine's own view by the project label: `docker ps` + `docker inspect` take ~20 ms together,
        # `docker compose ps` ~75 ms (it loads the compose CLI); a grading asks at least once.
        ids = docker.run(["ps", "-aq", "--filter", f"label={PROJECT_LABEL}={self.project}"], timeout=60).stdout.split()
        if not ids:
            return []
        # check=False: a container removed between the two calls is left out (inspect still prints the others).
        res = docker.run(["inspect", *ids], check=False, timeout=60)
        try:
            rows = json.loads(res.stdout) if res.stdout.strip() else []
        except ValueError:
            raise docker.classify(res) from None
        out = [_service_status(row) for row in rows
               if (row.get("Config", {}).get("Labels") or {}).get("com.docker.compose.oneoff") != "True"]
        return sorted(out, key=lambda s: (s.service, s.container))

    def logs(self, service: str | None = None, tail: int = 50) -> str:
        args = self._compose("logs", "--no-color", "--tail", str(tail))
        if service:
            args.append(service)
        res = docker.run(args, check=False, timeout=60)
        return res.stdout + res.stderr

    def leftovers(self) -> dict[str, list[str]]:
        flt = f"label={PROJECT_LABEL}={self.project}"
        return {
            "containers": docker.run(["ps", "-aq", "--filter", flt]).stdout.split(),
            "networks": docker.run(["network", "ls", "-q", "--filter", flt]).stdout.split(),
            "volumes": docker.run(["volume", "ls", "-q", "--filter", flt]).stdout.split(),
            "images": snapshots.snapshot_objects(self.project)["images"],
        }


    def sweep(self) -> None:
        flt = f"label={PROJECT_LABEL}={self.project}"
        ids = docker.run(["ps", "-aq", "--filter", flt]).stdout.split()
        if not ids and not docker.run(["volume", "ls", "-q", "--filter", flt]).stdout.split():
            snapshots.remove(self.project)  # e.g. a stop interrupted between the containers and the images
            return
        if ids:
            docker.run(["rm", "-f", "-v", *ids])
        for kind in ("network", "volume"):
            ids = docker.run([kind, "ls", "-q", "--filter", flt]).stdout.split()
            if ids:
                docker.run([kind, "rm", *ids], check=False)
        snapshots.remove(self.project)


def _service_status(row: dict[str, Any]) -> ServiceStatus:
    """One container as `docker compose ps` shows it: service, name, state, health, ports on the host's loopback."""
    state = row.get("State") or {}
    ports: dict[int, int] = {}
    for key, binds in ((row.get("NetworkSettings") or {}).get("Ports") or {}).items():
        for b in binds or []:
            if b.get("HostPort") and b.get("HostIp") in ("127.0.0.1", "0.0.0.0", "", None):
                ports.setdefault(int(key.split("/", 1)[0]), int(b["HostPort"]))
    labels = (row.get("Config") or {}).get("Labels") or {}
    return ServiceStatus(service=labels.get("com.docker.compose.service", ""),
                         container=str(row.get("Name", "")).lstrip("/"), state=state.get("Status", ""),
                         health=(state.get("Health") or {}).get("Status", "") or "", ports=ports)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
