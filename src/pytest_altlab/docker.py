"""Run docker / docker compose as argument lists and turn their failures into AltlabErrors."""

from __future__ import annotations

import os
import shutil
import subprocess

from .backends.base import ExecResult
from .errors import CommandFailed, ComposeMissing, DockerNotInstalled, DockerNotRunning, PortInUse

__all__ = ["classify", "diagnose_engine", "docker_bin", "run"]

_NOT_RUNNING = ("Cannot connect to the Docker daemon", "error during connect", "Is the docker daemon running",
                "connect: no such file or directory", "dial unix")
_NO_COMPOSE = ("'compose' is not a docker command", "unknown command: docker compose", "unknown shorthand flag")
_PORT_BUSY = ("port is already allocated", "address already in use")


def docker_bin() -> str:
    path = os.environ.get("ALTLAB_DOCKER") or shutil.which("docker")
    if not path:
        raise DockerNotInstalled()
    return path


def run(args: list[str], *, input: str | None = None, timeout: float | None = None,
        check: bool = True, hint: str | None = None) -> ExecResult:
    """Run `docker ARGS...` with captured output. With check, a failure raises the most specific error."""
    argv = [docker_bin(), *args]
    try:
        cp = subprocess.run(argv, input=input, capture_output=True, text=True, timeout=timeout,
                            errors="replace", check=False)
    except FileNotFoundError:
        raise DockerNotInstalled() from None
    except subprocess.TimeoutExpired as e:
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        raise CommandFailed(argv, -1, f"timed out after {timeout}s\n{err}", hint=hint) from None
    res = ExecResult(cp.returncode, cp.stdout, cp.stderr, argv)
    if check and not res.ok:
        raise classify(res, hint)
    return res


def classify(res: ExecResult, hint: str | None = None) -> Exception:
    """Map a failed docker command to the error a user can act on."""
    err = res.stderr
    if any(s in err for s in _NOT_RUNNING):
        return DockerNotRunning(err.strip().splitlines()[-1] if err.strip() else "no answer")
    if len(res.argv) > 1 and res.argv[1] == "compose" and any(s in err for s in _NO_COMPOSE):
        return ComposeMissing()
    if any(s in err for s in _PORT_BUSY):
        return PortInUse(next(line for line in err.splitlines() if any(s in line for s in _PORT_BUSY)))
    return CommandFailed(res.argv, res.returncode, err or res.stdout, hint=hint)


def diagnose_engine() -> None:
    """Raise the precise error if Docker or Compose is unusable (used before long operations)."""
    run(["version", "--format", "{{.Server.Version}}"], timeout=30)
    res = run(["compose", "version", "--short"], check=False, timeout=30)
    if not res.ok:
        raise ComposeMissing()
