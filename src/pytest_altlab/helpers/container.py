"""Container observations for checks: the engine's view (docker inspect), process limits, grantable limits."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..backends import ExecResult, get_engine
from ..context import LabContext
from ..docker import classify
from ..errors import AltlabError

__all__ = ["Container", "Limit", "apply_limits_override",
           "fmt_limit", "grantable_limits", "is_anonymous_volume", "limit_targets",
           "mount_holding", "parse_limit", "parse_limits", "record_limit_targets", "wanted_limits"]

# `docker inspect` names an anonymous volume by 64 hex digits; compose names its volumes <project>_<name>.
_ANONYMOUS = re.compile(r"^[0-9a-f]{64}$")
# The rows of /proc/<pid>/limits that compose's `ulimits:` keys set, by their Linux name.
LIMIT_ROWS = {"nofile": "Max open files", "memlock": "Max locked memory", "nproc": "Max processes",
              "core": "Max core file size", "stack": "Max stack size"}
TARGETS_FILE = "limit-targets.json"


@dataclass(frozen=True)
class Limit:
    """One resource limit of a process; None means unlimited."""

    soft: int | None
    hard: int | None

    def at_least(self, value: int | None) -> bool:
        """Both soft and hard allow `value` (None: both must be unlimited)."""
        if value is None:
            return self.soft is None and self.hard is None
        return all(x is None or x >= value for x in (self.soft, self.hard))

    def __str__(self) -> str:
        return f"soft {fmt_limit(self.soft)}, hard {fmt_limit(self.hard)}"


def fmt_limit(value: int | None) -> str:
    return "unlimited" if value is None else str(value)


def parse_limits(text: str) -> dict[str, Limit]:
    """/proc/<pid>/limits as {'Max open files': Limit(soft, hard), ...}."""
    out = {}
    for line in text.splitlines()[1:]:
        m = re.match(r"^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)", line)
        if m:
            soft, hard = (None if v == "unlimited" else int(v) for v in m.group(2, 3))
            out[m.group(1)] = Limit(soft, hard)
    return out


def is_anonymous_volume(mount: dict[str, Any]) -> bool:
    return mount.get("Type") == "volume" and bool(_ANONYMOUS.match(str(mount.get("Name", ""))))


def mount_holding(mounts: list[dict[str, Any]], path: str) -> dict[str, Any] | None:
    """Of `docker inspect` .Mounts, the one that holds `path` (the deepest), or None."""
    best: dict[str, Any] | None = None
    for m in mounts:
        dest = str(m.get("Destination", "")).rstrip("/")
        if path == dest or path.startswith(dest + "/"):
            if best is None or len(dest) > len(str(best.get("Destination", "")).rstrip("/")):
                best = m
    return best


class Container:
    """The container of one service as the engine sees it; each observation cached per grading generation."""

    def __init__(self, lab: LabContext, service: str) -> None:
        self.lab = lab
        self.service = service

    def inspect(self) -> dict[str, Any]:
        __tracebackhide__ = True

        def fetch() -> dict[str, Any]:
            __tracebackhide__ = True
            try:
                return self.lab.inspect(self.service)
            except AltlabError as e:
                raise AssertionError(f"the container of service '{self.service}' cannot be inspected "
                                     f"(does it exist?): {str(e).splitlines()[0]}") from None

        data: dict[str, Any] = self.lab.cached(("container-inspect", self.service), fetch)
        return data

    @property
    def short_id(self) -> str:
        return str(self.inspect().get("Id", ""))[:12]

    @property
    def hostname(self) -> str:
        return str(self.inspect().get("Config", {}).get("Hostname", ""))

    def hostname_is_pinned(self) -> bool:
        """Docker names a container's host after its ID unless the definition pins a hostname."""
        return self.hostname != self.short_id

    @property
    def restart_policy(self) -> str:
        return str(((self.inspect().get("HostConfig") or {}).get("RestartPolicy") or {}).get("Name") or "no")

    @property
    def healthcheck(self) -> list[str] | None:
        """The health check command, or None when there is none (or it is disabled)."""
        test = ((self.inspect().get("Config") or {}).get("Healthcheck") or {}).get("Test") or []
        return None if not test or test[0] == "NONE" else [str(x) for x in test]

    @property
    def health(self) -> str:
        """healthy, unhealthy, starting, or '' without a health check."""
        return str(((self.inspect().get("State") or {}).get("Health") or {}).get("Status") or "")

    def mount_of(self, path: str) -> dict[str, Any] | None:
        """The mount that holds `path` inside the container, or None (the container's own filesystem)."""
        return mount_holding(self.inspect().get("Mounts") or [], path)

    def process_limits(self, comm: str) -> dict[str, Limit]:
        """/proc/<pid>/limits of the oldest process named `comm` (e.g. beam.smp) in the container."""
        __tracebackhide__ = True
        script = ('for p in $(ls /proc | grep -E "^[0-9]+$" | sort -n); do '
                  f'if [ "$(cat /proc/$p/comm 2>/dev/null)" = "{comm}" ]; then cat /proc/$p/limits; exit 0; fi; '
                  'done; exit 3')

        def fetch() -> dict[str, Limit]:
            __tracebackhide__ = True
            res = self.lab.exec(self.service, ["sh", "-c", script], timeout=30)
            if res.returncode == 3:
                raise AssertionError(f"no process '{comm}' runs in service '{self.service}' (is it running?)")
            if not res.ok:
                raise AssertionError(f"could not read the limits of '{comm}' in service '{self.service}': "
                                     f"{(res.stderr or res.stdout).strip()[-200:]}")
            return parse_limits(res.stdout)

        data: dict[str, Limit] = self.lab.cached(("process-limits", self.service, comm), fetch)
        return data

    def limit(self, comm: str, resource: str) -> Limit:
        """One limit of the process by compose's name for it: nofile, memlock, nproc ..."""
        __tracebackhide__ = True
        row = LIMIT_ROWS[resource]
        limits = self.process_limits(comm)
        if row not in limits:
            raise AssertionError(f"'{row}' is missing from /proc/<pid>/limits of '{comm}'")
        return limits[row]


# --- what the engine can grant (used by steps at start, not by checks) --------------------------------


def grantable_limits(image: str, wanted: dict[str, int | None], label: str,
                     backend: str = "compose") -> dict[str, int | None]:
    """The highest of `wanted` (compose ulimit name -> value, None = unlimited) that the Docker engine grants.

    An engine can only hand a container limits up to its own hard limits unless it holds CAP_SYS_RESOURCE
    (rootless Docker and some sandboxed VMs do not): there `docker run --ulimit` fails with "error setting
    rlimit ... operation not permitted". Each limit is tried in a throwaway container; one that fails is
    replaced by the hard limit a default container gets, which the engine can always grant."""
    engine = get_engine(backend)

    def probe(ulimits: list[str], script: str) -> ExecResult:
        return engine.probe(image, script, ulimits=ulimits, label=label)

    out: dict[str, int | None] = {}
    default: list[str] | None = None
    for name, value in wanted.items():
        flag = f"{name}={-1 if value is None else value}:{-1 if value is None else value}"
        res = probe(["--ulimit", flag], "true")
        if res.ok:
            out[name] = value
            continue
        if "rlimit" not in res.stderr.lower():
            raise classify(res, hint=f"could not start a container of {image} to probe the engine's limits")
        if default is None:  # ulimit -H: -n open files, -l locked memory in KiB
            res = probe([], "ulimit -Hn; ulimit -Hl")
            if not res.ok:
                raise classify(res, hint=f"could not start a container of {image}")
            default = res.stdout.split()
        raw = dict(zip(("nofile", "memlock"), default, strict=False)).get(name)
        if raw is None:
            raise AltlabError(f"the Docker engine cannot grant {name}={fmt_limit(value)} and its maximum is unknown")
        have = None if raw == "unlimited" else int(raw) * (1024 if name == "memlock" else 1)
        out[name] = have if value is None else (value if have is None else min(value, have))
    return out


def parse_limit(text: str) -> int | None:
    """A limit as a lab parameter writes it: a number, or 'unlimited' (-1 in compose)."""
    return None if text.strip() in ("unlimited", "-1") else int(text)


def wanted_limits(lab: LabContext, resources: tuple[str, ...] = ("nofile", "memlock")) -> dict[str, int | None]:
    """The limits the task asks for: the lab's parameters named after compose's ulimit keys."""
    return {r: parse_limit(lab.params[r]) for r in resources}


def record_limit_targets(lab: LabContext, service: str,
                         resources: tuple[str, ...] = ("nofile", "memlock")) -> dict[str, int | None]:
    """At start (a break step): which of the wanted limits the engine grants; the checks expect these."""
    wanted = wanted_limits(lab, resources)
    image = lab.state.servers[service]["image"]
    targets = grantable_limits(image, wanted, f"io.altlab.project={lab.state.project}", lab.state.backend)
    (lab.state.dir / TARGETS_FILE).write_text(json.dumps({"wanted": wanted, "targets": targets}, indent=2))
    return targets


def limit_targets(lab: LabContext, resources: tuple[str, ...] = ("nofile", "memlock")) -> dict[str, int | None]:
    """The limits recorded at start; the wanted ones where nothing was recorded."""
    wanted = wanted_limits(lab, resources)
    try:
        data = json.loads((lab.state.dir / TARGETS_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return wanted
    return {r: data.get("targets", {}).get(r, wanted[r]) for r in resources}


def apply_limits_override(lab: LabContext, template: str, resources: tuple[str, ...] = ("nofile", "memlock")) -> None:
    """A host-side step: fill the limits this engine grants into a compose override ({nofile}, {memlock};
    unlimited as -1, compose's spelling) and apply it as the candidate would with `altlab apply`."""
    t = limit_targets(lab, resources)
    lab.apply_override(template.format(**{r: -1 if t[r] is None else t[r] for r in resources}))
