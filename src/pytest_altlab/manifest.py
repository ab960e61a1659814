"""lab.yaml -> validated, frozen objects; every error names file, field, bad value and what is allowed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .answerspec import Answer, parse_answers
from .manifest_fields import FLAVOURS, GENERATORS, RESTART_MODES, SCHEMAS, VARIANT_KINDS, bounds, keys
from .validation import Fields, lab_check_ids, read_yaml, step_inside

__all__ = [
    "FLAVOURS",
    "Hint",
    "LabManifest",
    "ParamSpec",
    "ServiceSpec",
    "Step",
    "Variant",
    "load_manifest",
]

ID_RE = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
# Every accepted key comes from manifest_fields, the table docs/WRITING_LABS.md is generated from: add a field there.
KNOWN_LAB_KEYS = frozenset(keys(""))


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    use: str  # stem of compose/<use>.yaml
    compose: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    writable: tuple[str, ...] = ()  # paths the candidate may change besides the defaults (tamper.py)


@dataclass(frozen=True)
class ParamSpec:
    name: str
    default: str | None
    secret: bool = False
    generate: str | None = None  # how a per-candidate value is derived from a seed
    length: int | None = None  # of a generated password / hex value (default 20 / 16)
    description: str = ""


@dataclass(frozen=True)
class Step:
    """A break/solution/variant step: a script run in a service container (.sh) or on the host (.py)."""

    run: Path
    service: str | None  # None: a host-side Python step
    user: str | None = None

    @property
    def on_host(self) -> bool:
        return self.service is None


@dataclass(frozen=True)
class Hint:
    text: str
    cost: float
    check: str = ""  # the check (test function name) this hint helps with: shown first while that check fails


@dataclass(frozen=True)
class Variant:
    """A near-miss (must lose points) or an alternative route (must score full) for `verify`."""

    id: str
    kind: str  # "near-miss" | "alternative"
    description: str
    steps: tuple[Step, ...]
    must_fail: tuple[str, ...] = ()  # check ids that must not pass (near-miss)
    persistence: bool = True


@dataclass(frozen=True)
class LabManifest:
    path: Path  # the lab's folder
    id: str
    title: str
    version: int
    summary: str
    skills: tuple[str, ...]
    time_limit: int  # minutes
    pass_mark: float  # percent
    flavours: tuple[str, ...]
    flavour_notes: tuple[tuple[str, str], ...]
    services: tuple[ServiceSpec, ...]
    parameters: tuple[ParamSpec, ...]
    break_steps: tuple[Step, ...]
    solution_steps: tuple[Step, ...]
    reset_steps: tuple[Step, ...]  # back to the fresh state without a teardown (then the break step runs)
    hints: tuple[Hint, ...]
    restart: tuple[str, ...]
    restart_mode: str  # restart: same containers; recreate: containers removed and created anew (volumes kept)
    variants: tuple[Variant, ...]
    writable: tuple[str, ...] = ()  # paths every service may change besides the defaults (tamper.py)
    check_ids: frozenset[str] = frozenset()  # the test function names in checks/test_*.py
    check_timeout: float = 120.0  # seconds per check phase before it counts as `error` (grading.timeouts)
    snapshot: bool = True  # false: the broken state lives in processes/memory, which a snapshot misses
    answers: tuple[Answer, ...] = ()  # what the candidate must find: no drill output names it before (leaks.py)

    @property
    def file(self) -> Path:
        return self.path / "lab.yaml"

    @property
    def checks_dir(self) -> Path:
        return self.path / "checks"

    @property
    def task_file(self) -> Path:
        return self.path / "TASK.md"

    def service(self, name: str) -> ServiceSpec:
        for s in self.services:
            if s.name == name:
                return s
        raise KeyError(name)

    def note_for(self, flavour: str) -> str | None:
        return dict(self.flavour_notes).get(flavour)


def load_manifest(lab_dir: Path) -> LabManifest:
    """Read and validate `lab_dir/lab.yaml`."""
    file = lab_dir / "lab.yaml"
    v = Fields(file)
    data = v.keys(v.mapping(read_yaml(file, v.fail), "(top level)"), KNOWN_LAB_KEYS)
    schema = data.get("schema", 1)
    if schema not in SCHEMAS:
        raise v.fail("schema", schema, "/".join(map(str, SCHEMAS)) + " (the only lab.yaml format this version reads)")

    lab_id = v.str_(data, "id", "id", pattern=ID_RE, expected="a lowercase id like 'rabbitmq-vhosts'")
    if lab_id != lab_dir.name:
        raise v.fail("id", lab_id, f"the folder's name '{lab_dir.name}'")
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise v.fail("version", version, "a whole number >= 1")

    services = _services(v, data.get("services"))
    svc_names = tuple(s.name for s in services)
    params = _params(v, data.get("parameters", {}))
    flavours = v.str_list(data.get("flavours", list(FLAVOURS)), "flavours", FLAVOURS)
    if not flavours:
        raise v.fail("flavours", data.get("flavours"), "at least one of " + ", ".join(FLAVOURS))
    check_ids = lab_check_ids(lab_dir / "checks", v.fail)
    notes = v.mapping(data.get("flavour_notes", {}), "flavour_notes")
    for k, n in notes.items():
        if k not in FLAVOURS:
            raise v.fail(f"flavour_notes.{k}", k, "one of " + ", ".join(FLAVOURS))
        if not isinstance(n, str):
            raise v.fail(f"flavour_notes.{k}", n, "a string")
    restart = v.str_list(data.get("restart", list(svc_names)), "restart", svc_names)
    time_limit = v.num(data, "time_limit", "time_limit", *bounds("time_limit"))
    return LabManifest(
        path=lab_dir,
        id=lab_id,
        title=v.str_(data, "title", "title"),
        version=version,
        summary=v.str_(data, "summary", "summary", default="-"),
        skills=v.str_list(data.get("skills", []), "skills") if data.get("skills") else (),
        time_limit=int(time_limit),
        pass_mark=v.num(data, "pass_mark", "pass_mark", *bounds("pass_mark")),
        flavours=flavours,
        flavour_notes=tuple(sorted(notes.items())),
        services=services,
        parameters=params,
        break_steps=_steps(v, lab_dir, data.get("break", []), "break", svc_names),
        solution_steps=_steps(v, lab_dir, data.get("solution", []), "solution", svc_names),
        reset_steps=_steps(v, lab_dir, data.get("reset", []), "reset", svc_names),
        hints=_hints(v, data.get("hints", [])),
        restart=restart,
        restart_mode=_choice(v, data, "restart_mode", RESTART_MODES, "restart"),
        variants=_variants(v, lab_dir, data.get("variants", []), svc_names, check_ids),
        writable=_paths(v, data.get("writable", []), "writable"),
        check_ids=check_ids,
        check_timeout=v.num(data, "check_timeout", "check_timeout", *bounds("check_timeout")),
        snapshot=v.bool_(data, "snapshot", "snapshot", True),
        answers=parse_answers(v, lab_dir, data.get("answers"), {p.name: p.secret for p in params}),
    )


def _paths(v: Fields, raw: object, fld: str) -> tuple[str, ...]:
    paths = v.str_list(raw, fld) if raw else ()
    for i, x in enumerate(paths):
        if not x.startswith("/"):
            raise v.fail(f"{fld}[{i}]", x, "an absolute path in the container, like /etc/rabbitmq")
    return paths


def _choice(v: Fields, data: dict[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = data.get(key, default)
    if value not in allowed:
        raise v.fail(key, value, "one of " + ", ".join(allowed))
    return str(value)


def _services(v: Fields, raw: object) -> tuple[ServiceSpec, ...]:
    if raw is None:
        raise v.fail("services", None, "a mapping of service name -> {use: <compose service>} (required)")
    m = v.mapping(raw, "services")
    if not m:
        raise v.fail("services", m, "at least one service")
    out = []
    for name, spec in m.items():
        if not isinstance(name, str) or not re.match(r"^[a-z][a-z0-9-]*$", name):
            raise v.fail(f"services.{name}", name, "a lowercase service name")
        spec = v.keys(v.mapping(spec if spec is not None else {}, f"services.{name}"), keys("services.<name>"),
                      f"services.{name}")
        use = v.str_(spec, "use", f"services.{name}.use", default=name,
                     pattern=re.compile(r"^[a-z][a-z0-9-]*$"), expected="the name of a file compose/<name>.yaml")
        compose = v.mapping(spec.get("compose", {}), f"services.{name}.compose")
        writable = _paths(v, spec.get("writable", []), f"services.{name}.writable")
        out.append(ServiceSpec(name=name, use=use, compose=compose, writable=writable))
    return tuple(out)


def _params(v: Fields, raw: object) -> tuple[ParamSpec, ...]:
    out = []
    for name, spec in v.mapping(raw, "parameters").items():
        fld = f"parameters.{name}"
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise v.fail(fld, name, "a lowercase identifier (letters, digits, _)")
        if not isinstance(spec, dict):
            spec = {"default": spec}
        v.keys(spec, keys("parameters.<name>"), fld)
        default = spec.get("default")
        if default is not None and not isinstance(default, (str, int, float)):
            raise v.fail(f"{fld}.default", default, "a string or number")
        gen = spec.get("generate")
        if gen is not None and gen not in GENERATORS:
            raise v.fail(f"{fld}.generate", gen, "one of " + ", ".join(GENERATORS))
        if default is None and gen is None:
            raise v.fail(f"{fld}.default", None, "a default value, or `generate:` to derive one from the seed")
        length = spec.get("length")
        if length is not None and (isinstance(length, bool) or not isinstance(length, int) or not 4 <= length <= 64):
            raise v.fail(f"{fld}.length", length, "a whole number from 4 to 64")
        secret = v.bool_(spec, "secret", f"{fld}.secret", False)
        out.append(ParamSpec(name=name, default=None if default is None else str(default), secret=secret,
                             generate=gen, length=length, description=str(spec.get("description", ""))))
    return tuple(out)


def _steps(v: Fields, lab_dir: Path, raw: object, fld: str, services: tuple[str, ...]) -> tuple[Step, ...]:
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for i, item in enumerate(items):
        f = f"{fld}[{i}]" if isinstance(raw, list) else fld
        if isinstance(item, str):
            item = {"run": item}
        item = v.keys(v.mapping(item, f), keys("<step>"), f)
        run = v.str_(item, "run", f"{f}.run", expected="a script path relative to the lab folder")
        path = step_inside(lab_dir, run, v.fail, f"{f}.run")
        if path.suffix == ".py":
            service = None
            if "service" in item:
                raise v.fail(f"{f}.service", item["service"], "no service: .py steps run on the host")
        elif path.suffix == ".sh":
            service = item.get("service", services[0])
            if service not in services:
                raise v.fail(f"{f}.service", service, "one of the lab's services: " + ", ".join(services))
        else:
            raise v.fail(f"{f}.run", run, "a .sh (runs in a service container) or .py (runs on the host) file")
        user = item.get("user")
        if user is not None and not isinstance(user, str):
            raise v.fail(f"{f}.user", user, "a user name")
        out.append(Step(run=path, service=service, user=user))
    return tuple(out)


def _hints(v: Fields, raw: object) -> tuple[Hint, ...]:
    if not isinstance(raw, list):
        raise v.fail("hints", raw, "a list of {text, cost}")
    out = []
    for i, h in enumerate(raw):
        if isinstance(h, str):
            h = {"text": h}
        h = v.keys(v.mapping(h, f"hints[{i}]"), keys("hints[]"), f"hints[{i}]")
        text = v.str_(h, "text", f"hints[{i}].text")
        check = str(h.get("check") or "")
        out.append(Hint(text=text, cost=v.num(h, "cost", f"hints[{i}].cost", *bounds("hints[].cost")), check=check))
    return tuple(out)


def _variants(v: Fields, lab_dir: Path, raw: object, services: tuple[str, ...],
              check_ids: frozenset[str]) -> tuple[Variant, ...]:
    if not isinstance(raw, list):
        raise v.fail("variants", raw, "a list of near-miss / alternative fixes")
    out = []
    seen = set()
    for i, item in enumerate(raw):
        f = f"variants[{i}]"
        item = v.keys(v.mapping(item, f), keys("variants[]"), f)
        vid = v.str_(item, "id", f"{f}.id", pattern=ID_RE, expected="a lowercase id")
        if vid in seen:
            raise v.fail(f"{f}.id", vid, "an id not used by another variant")
        seen.add(vid)
        kind = item.get("kind")
        if kind not in VARIANT_KINDS:
            raise v.fail(f"{f}.kind", kind, " or ".join(VARIANT_KINDS))
        must_fail = v.str_list(item.get("must_fail", []), f"{f}.must_fail") if item.get("must_fail") else ()
        if kind == "near-miss" and not must_fail:
            raise v.fail(f"{f}.must_fail", None, "the check ids this near-miss must fail")
        for j, cid in enumerate(must_fail):
            if not is_check(cid, check_ids):
                raise v.fail(f"{f}.must_fail[{j}]", cid, check_hint(cid, check_ids))
        persistence = v.bool_(item, "persistence", f"{f}.persistence", True)
        out.append(Variant(
            id=vid, kind=kind, description=v.str_(item, "description", f"{f}.description", default="-"),
            steps=_steps(v, lab_dir, item.get("run"), f"{f}.run", services),
            must_fail=must_fail, persistence=persistence,
        ))
    return tuple(out)


def is_check(cid: str, check_ids: frozenset[str]) -> bool:
    """A check id as the report names it: a test function, maybe with its parameters (`test_x[a]`)."""
    return cid.split("[", 1)[0] in check_ids


def check_hint(cid: str, check_ids: frozenset[str]) -> str:
    import difflib

    close = difflib.get_close_matches(cid, sorted(check_ids), n=1)
    return (f"did you mean '{close[0]}'? " if close else "") + "a check of the lab: " + ", ".join(sorted(check_ids))


# --- parameters ----------------------------------------------------------------------------

