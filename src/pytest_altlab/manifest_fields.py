"""The lab.yaml fields: one table that manifest.py validates against and docs/WRITING_LABS.md is generated from.

A field that is not here is refused on load (manifest.py takes its accepted keys from `keys()`), so a new
key cannot be accepted without being documented; tests/test_docs.py checks the other direction."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FIELDS", "FLAVOURS", "GENERATORS", "RESTART_MODES", "SCHEMAS", "SECTIONS", "VARIANT_KINDS", "Field",
           "bounds", "field", "keys"]

SCHEMAS = (1,)  # the lab.yaml formats this version reads
FLAVOURS = ("debian", "upstream")
GENERATORS = ("password", "suffix", "hex")
RESTART_MODES = ("restart", "recreate")
VARIANT_KINDS = ("near-miss", "alternative")

# The sections whose keys are checked; a field's path is its section's path + "." + its key. A path part in
# <angle brackets> stands for a name the author picks; `[]` for an item of a list; `<step>` for one step of
# break, solution, reset or a variant's run.
SECTIONS = ("", "services.<name>", "parameters.<name>", "<step>", "hints[]", "variants[]")


@dataclass(frozen=True)
class Field:
    path: str
    type: str
    meaning: str
    example: str
    default: str = ""  # as shown in the docs; "required" where the field must be given
    allowed: str = ""  # values accepted, in words, where the type alone does not say
    choices: tuple[str, ...] = ()  # the accepted values, where they are a fixed list
    num: tuple[float, float, float] | None = None  # (lowest, highest, default) of a number field

    @property
    def shown_allowed(self) -> str:
        if self.num:
            return f"{self.num[0]:g} to {self.num[1]:g}" + (f"; {self.allowed}" if self.allowed else "")
        if self.choices:
            return ", ".join(self.choices) + (f"; {self.allowed}" if self.allowed else "")
        return self.allowed

    @property
    def shown_default(self) -> str:
        return f"{self.num[2]:g}" if self.num and not self.default else self.default


STEP = "a step, or a list of steps (see `<step>`)"
FIELDS: tuple[Field, ...] = (
    Field("schema", "whole number", "the lab.yaml format the file is written in", "schema: 1",
          default="1", choices=tuple(str(s) for s in SCHEMAS)),
    Field("id", "string", "the lab's id: `altlab start ID`, reports, exams", "id: rabbitmq-vhosts",
          default="required", allowed="lowercase letters, digits and '-', 2-63 characters; the folder's name"),
    Field("title", "string", "the lab's name in `altlab list`, the task and reports",
          "title: RabbitMQ vhost, users and permissions", default="required"),
    Field("version", "whole number", "the lab's revision, kept in every report: raise it when task or checks change",
          "version: 2", default="1", allowed=">= 1"),
    Field("summary", "string", "one line shown in `altlab list`", "summary: Finish a half-configured broker",
          default="-"),
    Field("skills", "list of strings", "skill tags: `altlab list` shows them, exams group by them",
          "skills: [rabbitmq, tls]", default="[]"),
    Field("time_limit", "number (minutes)", "time the candidate has for the lab", "time_limit: 20",
          num=(1, 24 * 60, 30)),
    Field("pass_mark", "number (percent)", "share of the points needed to pass", "pass_mark: 70", num=(0, 100, 70)),
    Field("flavours", "list of strings", "the image flavours the lab runs on", "flavours: [upstream]",
          default="all", choices=FLAVOURS),
    Field("flavour_notes", "mapping flavour -> string", "what a flavour runs instead, shown in `altlab list`, "
          "the task and the report", 'flavour_notes: {debian: "runs Redis 8, not Kvrocks"}', default="{}",
          allowed="keys: " + ", ".join(FLAVOURS)),
    Field("services", "mapping name -> service", "the lab's services (containers)",
          "services: {rabbitmq: {use: rabbitmq}}", default="required", allowed="at least one"),
    Field("services.<name>", "mapping (may be empty)", "one service; `<name>` is what checks and steps call it",
          "rabbitmq: {use: rabbitmq}", allowed="name: lowercase letters, digits, '-'"),
    Field("services.<name>.use", "string", "the compose file the service comes from: the lab's own "
          "`compose/<use>.yaml`, else the shared `compose/<use>.yaml`", "use: rabbitmq", default="`<name>`"),
    Field("services.<name>.compose", "mapping", "compose keys merged into the service for this lab (environment, "
          "networks of the lab's own, command); `altlab lint` refuses privileges and host paths",
          "compose: {networks: [admin, app]}", default="{}"),
    Field("services.<name>.writable", "list of paths", "program/library paths of this service the task changes "
          "(not tampering)", "writable: [/opt/app/cache]", default="[]", allowed="absolute paths"),
    Field("parameters", "mapping name -> parameter", "values filled into TASK.md (`{{ name }}`), steps (`$NAME`) "
          "and checks (`lab.params.name`)", "parameters: {app_user: altcraft}", default="{}"),
    Field("parameters.<name>", "mapping, or a bare value (its default)", "one parameter",
          "vhost: {default: altcraft, generate: suffix}", allowed="name: lowercase letters, digits, '_'"),
    Field("parameters.<name>.default", "string or number", "the value without a seed (and the base of `suffix`)",
          "default: altcraft", default="required unless `generate`"),
    Field("parameters.<name>.secret", "boolean", "redact the value in reports and `altlab status`", "secret: true",
          default="false"),
    Field("parameters.<name>.generate", "string", "derive a per-candidate value from the seed: password "
          "(letters and digits), suffix (default + '-' + 4 characters), hex", "generate: password",
          choices=GENERATORS),
    Field("parameters.<name>.length", "whole number", "length of a generated password / hex value",
          "length: 24", default="20 (password), 16 (hex)", allowed="4 to 64"),
    Field("parameters.<name>.description", "string", "what the value is, for authors", "description: the app's vhost",
          default='""'),
    Field("break", STEP, "brings the fresh services into the broken state", "break: break.py", default="[]"),
    Field("solution", STEP, "the reference fix: `altlab verify` runs it, exam mode never shows it",
          "solution: [{run: solution.sh, service: rabbitmq, user: root}]", default="[]"),
    Field("reset", STEP, "back to fresh without a teardown (then the break step runs); with ALTLAB_SNAPSHOT=1 "
          "used only where the lab has no snapshot of its broken state (tmpfs, host files)", "reset: reset.sh",
          default="[]"),
    Field("<step>", "mapping, or a path (its `run`)", "a `.sh` step runs inside a service container, a `.py` step "
          "on the host (it defines `apply(lab)`)", "{run: solution.sh, service: rabbitmq}"),
    Field("<step>.run", "path", "the script, relative to the lab folder", "run: variants/wrong.sh",
          default="required", allowed="a .sh or .py file inside the lab folder"),
    Field("<step>.service", "string", "the container a `.sh` step runs in", "service: rabbitmq",
          default="the first service", allowed="one of the lab's services; .sh steps only"),
    Field("<step>.user", "string", "the user a `.sh` step runs as", "user: root", default="the image's user"),
    Field("hints", "list of hints", "hints a drill may show, each costing points", "hints: [{text: ..., cost: 1}]",
          default="[]"),
    Field("hints[]", "mapping, or a string (its `text`)", "one hint: it says where to look or what to compare, "
          "never repeats the task", '{text: "`rabbitmqctl list_vhosts` shows what exists", cost: 1}'),
    Field("hints[].text", "string", "the hint", 'text: "look at `loopback_users` in rabbitmq.conf"',
          default="required"),
    Field("hints[].cost", "number", "points taken off the score once the hint was shown", "cost: 2",
          num=(0, 1000, 0)),
    Field("hints[].check", "check id", "shown first while that check failed in the last `altlab grade`",
          "check: test_app_permissions_exact", default='""'),
    Field("restart", "list of service names", "the services the persistence phase restarts", "restart: [rabbitmq]",
          default="all services"),
    Field("restart_mode", "string", "restart: the same containers; recreate: containers removed and created anew, "
          "volumes kept", "restart_mode: recreate", default="restart", choices=RESTART_MODES),
    Field("variants", "list of variants", "near-miss and alternative fixes `altlab verify` runs from a fresh start",
          "variants: [{id: wrong-vhost, kind: near-miss, ...}]", default="[]"),
    Field("variants[]", "mapping", "one variant", "{id: via-api, kind: alternative, run: variants/via_api.py}"),
    Field("variants[].id", "string", "the variant's id (`altlab verify LAB --variant ID`)", "id: wrong-vhost",
          default="required", allowed="a lowercase id, unique in the lab"),
    Field("variants[].kind", "string", "near-miss: must lose points on `must_fail`; alternative: must score full",
          "kind: near-miss", default="required", choices=VARIANT_KINDS),
    Field("variants[].description", "string", "what the variant does, shown by verify",
          "description: permissions land on '/'", default="-"),
    Field("variants[].run", STEP, "the variant's fix, run on the fresh broken lab",
          "run: [{run: solution.sh, service: rabbitmq}, {run: variants/wrong.sh, service: rabbitmq}]",
          default="required"),
    Field("variants[].must_fail", "list of check ids", "the checks a near-miss must not pass",
          "must_fail: [test_app_permissions_exact]", default="required for a near-miss",
          allowed="checks of the lab (`test_x` or `test_x[param]`)"),
    Field("variants[].persistence", "boolean", "grade with the restart phase; false: without it",
          "persistence: false", default="true"),
    Field("writable", "list of paths", "program/library paths every service may change (a task that installs "
          "programs); not counted as tampering", "writable: [/opt/app/cache]", default="[]",
          allowed="absolute paths"),
    Field("answers", "list of answers", "the values a candidate must find (a culprit, a count, an address): "
          "`altlab verify` fails where the broken state's drill output names one", 'answers: [webhooks.retry]',
          default="[]"),
    Field("answers[]", "string, or a mapping", "a value with `{{ param }}` placeholders (at least 3 characters; no "
          "secret parameter), or `{from: FILE.py}`", '"{{ vhost }}-dlq"'),
    Field("answers[].from", "path", "a host-side .py file in the lab folder whose `answers(lab)` returns values "
          "known only once the lab runs", "from: answers.py", allowed="a .py file inside the lab folder"),
    Field("snapshot", "boolean", "false: never snapshot the broken state (with ALTLAB_SNAPSHOT=1), because it lives in "
          "processes or memory a snapshot of files and volumes misses (clients a break step started, pushed metrics); "
          "`altlab verify` fails a lab whose restored snapshot grades otherwise than the fresh state",
          "snapshot: false", default="true"),
    Field("check_timeout", "number (seconds)", "time per check phase (setup, call, teardown) before it counts as "
          "`error`", "check_timeout: 300", num=(1, 3600, 120)),
)
_BY_PATH = {f.path: f for f in FIELDS}


def field(path: str) -> Field:
    """The field documented at `path` (`time_limit`, `hints[].cost`, `services.<name>.use`)."""
    return _BY_PATH[path]


def bounds(path: str) -> tuple[float, float, float]:
    """(lowest, highest, default) of a number field, as `Fields.num` takes them."""
    num = field(path).num
    assert num is not None, f"{path} is not a number field"
    return num


def keys(section: str) -> tuple[str, ...]:
    """The keys accepted in a section of lab.yaml ("" for the top level), in the order the docs list them."""
    prefix = section + "." if section else ""
    out = []
    for f in FIELDS:
        rest = f.path[len(prefix):] if f.path.startswith(prefix) else ""
        if rest and "." not in rest and not rest.startswith("<") and "[" not in rest:
            out.append(rest)
    return tuple(out)
