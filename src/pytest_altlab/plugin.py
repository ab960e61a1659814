"""pytest hooks only: options, markers, collecting a lab's checks, points on reports, summary, report file."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .catalog import Catalog
from .context import LabContext
from .errors import AltlabError, LabNotRunning
from .lab import LabRunner, probe_versions

if TYPE_CHECKING:
    from .exam import ExamManifest
from .report import LabReport, now, render_table, write_json, write_json_doc
from .scoring import CheckResult, title_from_name
from .store import Store

__all__ = ["Grader", "LabGrading", "grader_key"]

grader_key = pytest.StashKey["Grader"]()
_phase_key = pytest.StashKey[str]()
_skip_status_key = pytest.StashKey[str]()

AFTER_RESTART = "after_restart"
MARKERS = (
    "points(n): points this check is worth in a lab's score",
    "persistent: re-run this check after the lab's services restart (--lab-persistence)",
    "after_restart: this check is graded only after the services restart (--lab-persistence)",
    "depends(*check_ids): report this check as blocked if one of those checks did not pass",
    "look(text): where a learner should look when this check fails (config file, command family, docs topic)",
    "covers(*steps): the TASK.md steps (1-based top-level numbered items) this check grades; see `altlab lint`",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("altlab", "lab grading (pytest-altlab)")
    g.addoption("--lab", metavar="ID", help="grade the running lab ID: collects that lab's checks")
    g.addoption("--lab-instance", metavar="NAME", default="default", help="which running instance of the lab")
    g.addoption("--lab-dir", metavar="PATH", action="append", default=[],
                help="a folder of your own labs (repeatable; also ALTLAB_LABS_PATH and ini altlab_lab_dirs)")
    g.addoption("--lab-report", metavar="PATH", help="write the JSON report (schema_version 1) to PATH")
    g.addoption("--lab-persistence", action="store_true",
                help="restart the lab's services after the first pass and re-run the persistent checks")
    g.addoption("--exam", metavar="EXAM", help="grade one candidate's labs of an exam (with --candidate)")
    g.addoption("--candidate", metavar="ID", help="the candidate to grade with --exam")
    g.addoption("--lab-mode", choices=("drill", "exam"), default=None,
                help="drill: every check with what to fix and where to look; exam: the candidate sees the "
                     "total and the checks' status only")
    g.addoption("--lab-no-progress", action="store_true",
                help="do not record this grading as an attempt in the progress store (self-tests use it)")
    parser.addini("altlab_lab_dirs", "folders of your own labs", type="paths", default=[])


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """Grading is hermetic: only the lab's own conftest.py files load, never those around the caller."""
    ns = early_config.known_args_namespace
    lab_id, exam_ref = getattr(ns, "lab", None), getattr(ns, "exam", None)
    if not lab_id and not exam_ref:
        return
    try:
        catalog = Catalog([Path(p) for p in getattr(ns, "lab_dir", None) or []])
        if exam_ref:
            from .exam import find_exam

            dirs = [catalog.get(x.lab).checks_dir for x in find_exam(exam_ref, catalog).labs]
            # Several labs: cut at their common folder, so no conftest around the caller loads.
            import os

            ns.confcutdir = os.path.commonpath([str(d) for d in dirs])
        else:
            dirs = [catalog.get(str(lab_id)).checks_dir]
            ns.confcutdir = str(dirs[0])
        # Initial conftests come from these paths, not from the caller's `testpaths`.
        ns.file_or_dir = [str(d) for d in dirs]
    except AltlabError:
        pass  # reported properly by pytest_configure


def pytest_configure(config: pytest.Config) -> None:
    for m in MARKERS:
        config.addinivalue_line("markers", m)
    lab_id, exam_ref = config.getoption("lab"), config.getoption("exam")
    if not lab_id and not exam_ref:
        return
    report_path = config.getoption("lab_report")
    try:
        catalog = Catalog([Path(p) for p in config.getoption("lab_dir")] + list(config.getini("altlab_lab_dirs")))
        if exam_ref:
            labs, exam = _exam_labs(config, catalog, exam_ref)
        else:
            labs, exam = [LabGrading(LabRunner(catalog.get(str(lab_id)), config.getoption("lab_instance")))], None
    except AltlabError as e:
        raise pytest.UsageError(str(e)) from None
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        what = f"--exam {exam_ref}" if exam_ref else f"--lab {lab_id}"
        raise pytest.UsageError(
            f"{what} collects the lab's own checks; leave out the paths ({' '.join(config.args)}) "
            "and select checks with -k if you need to")
    config.args[:] = [str(lg.manifest.checks_dir) for lg in labs]
    grader = Grader(labs, Path(report_path) if report_path else None, config.getoption("lab_persistence"))
    grader.mode = config.getoption("lab_mode") or ("exam" if exam else "drill")
    grader.record_progress = not config.getoption("lab_no_progress") and exam is None
    grader.exam = exam
    grader.candidate = config.getoption("candidate") or ""
    if grader.mode == "exam":
        # The candidate's view is the score table only: no tracebacks or summaries that would show
        # what a check expected (the proctor's report keeps every detail).
        config.option.tbstyle = "no"
        config.option.reportchars = ""
    try:
        grader.connect()
    except LabNotRunning as e:
        grader.write_failed_report(str(e))
        raise pytest.UsageError(str(e)) from None
    config.stash[grader_key] = grader
    config.pluginmanager.register(grader, "altlab-grader")


def _exam_labs(config: pytest.Config, catalog: Catalog, ref: str) -> tuple[list[LabGrading], ExamManifest]:
    from .exam import candidate_instance, find_exam

    candidate = config.getoption("candidate")
    if not candidate:
        raise AltlabError("--exam needs --candidate ID", hint="the candidate whose labs to grade")
    exam = find_exam(ref, catalog)
    labs = []
    for x in exam.labs:
        lg = LabGrading(LabRunner(catalog.get(x.lab), candidate_instance(exam.id, candidate)))
        lg.weight, lg.hidden = x.weight, set(x.hidden)
        labs.append(lg)
    return labs, exam


def _lab_of(request: pytest.FixtureRequest) -> LabGrading:
    g = request.config.stash.get(grader_key, None)
    if g is None:
        pytest.fail("this check needs a running lab: run pytest with --lab LAB", pytrace=False)
    lg = g.lab_for_path(Path(str(request.node.path)))
    if lg is None:
        pytest.fail(f"{request.node.path} is not a check of the lab being graded", pytrace=False)
    return lg


# Module scope: every test module belongs to exactly one lab, also when an exam grades several.
@pytest.fixture(scope="module")
def lab(request: pytest.FixtureRequest) -> LabContext:
    """The running lab: parameters, host ports on 127.0.0.1, exec into services."""
    lg = _lab_of(request)
    assert lg.ctx is not None
    return lg.ctx


@pytest.fixture(scope="module")
def restart_outcome(request: pytest.FixtureRequest) -> RestartOutcome:
    """The results of the persistent checks re-run after the restart (for an after_restart check)."""
    return RestartOutcome(_lab_of(request))


class RestartOutcome:
    """What the after-restart phase found; the `restart_outcome` fixture hands it to checks."""

    def __init__(self, lab: LabGrading) -> None:
        self._g = lab

    @property
    def results(self) -> list[CheckResult]:
        return [r for r in self._g.results if r.phase == AFTER_RESTART and r.id not in self._g.after_restart_ids]

    def assert_all_passed(self) -> None:
        __tracebackhide__ = True
        if self._g.restart_error:
            raise AssertionError(f"the services did not come back after the restart: {self._g.restart_error}")
        bad = [r for r in self.results if r.status != "passed"]
        if not self.results:
            raise AssertionError("no persistent checks ran after the restart")
        if bad:
            lines = [f"{r.title}: {r.status}{' - ' + r.message.splitlines()[0] if r.message else ''}" for r in bad]
            raise AssertionError("after the restart these no longer hold:\n" + "\n".join(lines))


class LabGrading:
    """One lab being graded: its running instance, its results per phase, its restart."""

    def __init__(self, runner: LabRunner) -> None:
        self.runner = runner
        self.manifest = runner.manifest
        self.ctx: LabContext | None = None
        self.results: list[CheckResult] = []
        self.status_by_phase: dict[tuple[str, str], str] = {}
        self.after_restart_ids: set[str] = set()
        self.restarted = False
        self.restart_error: str | None = None
        self.weight = 1.0
        self.hidden: set[str] = set()
        self._versions: dict[str, str] = {}
        self._versions_thread: threading.Thread | None = None
        self.evidence: dict[str, list[dict[str, Any]]] = {}  # node id -> observations

    @property
    def id(self) -> str:
        return self.manifest.id

    def connect(self) -> None:
        self.ctx = self.runner.context()
        # Server versions for the report, probed while the checks run: costs no wall time.
        self._versions_thread = threading.Thread(target=self._probe_versions, daemon=True)
        self._versions_thread.start()

    def _probe_versions(self) -> None:
        assert self.ctx is not None
        try:
            self._versions = probe_versions(self.ctx)
        except AltlabError:
            pass

    def restart(self) -> None:
        assert self.ctx is not None
        self.restarted = True
        try:
            self.ctx.restart()
        except AltlabError as e:
            self.restart_error = e.message

    def report(self, mode: str, started_at: str) -> LabReport:
        m = self.manifest
        st = self.ctx.state if self.ctx else None
        servers: dict[str, dict[str, str]] = {k: dict(v) for k, v in (st.servers if st else {}).items()}
        if self._versions_thread is not None:
            self._versions_thread.join(timeout=60)
            for svc, version in self._versions.items():
                servers.setdefault(svc, {})["version"] = version
        params = {}
        hints = []
        if st:
            secret = {p.name for p in m.parameters if p.secret}
            params = {k: ("***" if k in secret else v) for k, v in st.params.items()}
            hints = [{"index": h.idx, "cost": h.cost, "shown_at": h.shown_at}
                     for h in Store().hints_used(m.id, st.instance, st.started_at)]
        secrets = [v for k, v in (st.params.items() if st else []) if k in {p.name for p in m.parameters if p.secret}]
        evidence = {nid: redact(obs, secrets) for nid, obs in self.evidence.items() if obs}
        return LabReport(lab_id=m.id, lab_title=m.title, lab_version=m.version, instance=self.runner.instance,
                         pass_mark=m.pass_mark, flavour=st.flavour if st else "", servers=servers,
                         parameters=params, started_at=started_at, finished_at=now(),
                         persistence_ran=self.restarted, hints=hints, mode=mode, checks=list(self.results),
                         hidden=sorted(self.hidden), evidence=evidence)


class Grader:
    """Registered as a plugin when --lab or --exam is given: the labs, their results, the report."""

    def __init__(self, labs: list[LabGrading], report_path: Path | None, persistence: bool) -> None:
        self.labs = labs
        self.by_id = {lg.id: lg for lg in labs}
        self.report_path = report_path
        self.persistence = persistence
        self.started_at = now()
        self._t0: dict[str, float] = {}
        self.mode = "drill"
        self.record_progress = True
        self.exam: ExamManifest | None = None
        self.candidate = ""

    def connect(self) -> None:
        for lg in self.labs:
            lg.connect()

    def lab_for_path(self, path: Path) -> LabGrading | None:
        for lg in self.labs:
            if path.is_relative_to(lg.manifest.checks_dir.resolve()) or path.is_relative_to(lg.manifest.checks_dir):
                return lg
        return None

    def _lab(self, item: pytest.Item) -> LabGrading:
        lg = self.lab_for_path(Path(str(item.path)))
        if lg is None:
            raise pytest.UsageError(f"{item.nodeid} does not belong to a lab being graded")
        return lg

    def write_failed_report(self, error: str) -> None:
        if self.report_path:
            if self.exam is not None:
                doc = self.exam_report(error)
                write_json_doc(doc, self.report_path)
                return
            rep = self.labs[0].report(self.mode, self.started_at)
            rep.error = error
            write_json(rep, self.report_path)

    # --- collection ------------------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        phase1: list[pytest.Item] = []
        clones: list[pytest.Item] = []
        after: list[pytest.Item] = []
        for item in items:
            lg = self._lab(item)
            mark = item.get_closest_marker("points")
            if mark is None or not mark.args or not isinstance(mark.args[0], (int, float)):
                raise pytest.UsageError(f"{item.nodeid}: every check needs @pytest.mark.points(n)")
            cid = _check_id(item)
            item.user_properties += [("lab", lg.id), ("check_id", cid), ("points", mark.args[0])]
            if item.get_closest_marker(AFTER_RESTART):
                lg.after_restart_ids.add(cid)
                item.stash[_phase_key] = AFTER_RESTART
                after.append(item)
                continue
            item.stash[_phase_key] = "initial"
            phase1.append(item)
            if self.persistence and item.get_closest_marker("persistent") and isinstance(item, pytest.Function):
                clones.append(_clone(item))
        # Every lab's first pass, then each lab's restart and re-runs, then the after-restart checks.
        items[:] = phase1 + clones + after

    # --- running ---------------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        lg = self._lab(item)
        phase = item.stash.get(_phase_key, "initial")
        self._t0[item.nodeid] = time.perf_counter()
        if phase == AFTER_RESTART:
            if not self.persistence:
                item.stash[_skip_status_key] = "not_run"
                pytest.skip("needs the restart phase: grade with --lab-persistence")
            if not lg.restarted:
                lg.restart()
                self._t0[item.nodeid] = time.perf_counter()  # the restart is the lab's time, not this check's
            if lg.restart_error and _check_id(item) not in lg.after_restart_ids:
                item.stash[_skip_status_key] = "error"
                pytest.skip(f"the services did not come back after the restart: {lg.restart_error}")
        if lg.ctx is not None:
            lg.ctx.evidence = lg.evidence.setdefault(item.nodeid, [])
        deps = item.get_closest_marker("depends")
        for dep in deps.args if deps else ():
            # A dependency that is not re-run after the restart counts with its first-phase result.
            st = lg.status_by_phase.get((phase, dep), lg.status_by_phase.get(("initial", dep)))
            if st != "passed":
                item.stash[_skip_status_key] = "blocked"
                pytest.skip(f"blocked: depends on '{dep}', which {_past(st)}")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
        report = yield
        status = None
        if report.when == "setup" and not report.passed:
            # A fixture's own assertion ("server not answering") is about the candidate's state: failed.
            exc = call.excinfo.value if call.excinfo else None
            status = (item.stash.get(_skip_status_key, "skipped") if report.skipped
                      else "failed" if isinstance(exc, AssertionError) else "error")
        elif report.when == "call":
            if report.passed:
                status = "passed"
            elif report.skipped:
                status = "skipped"
            else:
                exc = call.excinfo.value if call.excinfo else None
                status = "failed" if isinstance(exc, AssertionError) else "error"
        elif report.when == "teardown" and report.failed:
            status = "error"
        if status is not None:
            message = _message(report, call, status)
            look = item.get_closest_marker("look")
            props = [("status", status), ("message", message), ("look", look.args[0] if look and look.args else ""),
                     ("phase", item.stash.get(_phase_key, "initial")),
                     ("duration", time.perf_counter() - self._t0.get(item.nodeid, time.perf_counter())),
                     ("title", title_from_name(item.name, getattr(getattr(item, "obj", None), "__doc__", None)))]
            report.user_properties = list(report.user_properties) + props
            item.user_properties += [p for p in props if p[0] in ("status",)]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if "status" not in props or (report.when == "teardown" and not report.failed):
            return
        lg = self.by_id[str(props["lab"])]
        if report.when == "teardown":  # an error after a pass replaces the pass
            lg.results = [r for r in lg.results if r.node_id != report.nodeid]
        r = CheckResult(id=str(props["check_id"]), title=str(props["title"]), points=float(str(props["points"])),
                        status=str(props["status"]), message=str(props["message"]), phase=str(props["phase"]),
                        node_id=report.nodeid, duration=float(str(props["duration"])), look=str(props.get("look", "")))
        lg.results.append(r)
        lg.status_by_phase[(r.phase, r.id)] = r.status

    # --- output ----------------------------------------------------------------------------------

    def report(self) -> LabReport:
        return self.labs[0].report(self.mode, self.started_at)

    def exam_report(self, error: str | None = None) -> dict[str, Any]:
        from .exam import weighted_total

        assert self.exam is not None
        labs = []
        for lg in self.labs:
            d = lg.report(self.mode, self.started_at).to_dict()
            d["weight"] = lg.weight
            labs.append(d)
        total = weighted_total(labs, self.exam.pass_mark)
        return {"schema_version": 1, "kind": "exam",
                "exam": {"id": self.exam.id, "title": self.exam.title, "version": self.exam.version},
                "candidate": self.candidate, "started_at": self.started_at, "finished_at": now(),
                "percent": total["percent"], "pass_mark": total["pass_mark"], "passed": total["passed"],
                "error": error, "labs": labs}

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        tw = terminalreporter._tw
        terminalreporter.section("altlab score")
        for lg in self.labs:
            rep = lg.report(self.mode, self.started_at)
            if self.mode == "exam":  # the candidate's view: visible checks, status only
                rep.checks = [c for c in rep.checks if c.id not in lg.hidden]
            terminalreporter.write(render_table(rep, color=tw.hasmarkup, width=min(tw.fullwidth, 140),
                                                show_messages=self.mode == "drill"))
        if self.exam is not None:
            doc = self.exam_report()
            terminalreporter.write_line(f"exam {self.exam.id}: {doc['percent']:g}% (pass mark {doc['pass_mark']:g}%): "
                                        f"{'PASSED' if doc['passed'] else 'NOT PASSED'}")
        if self.report_path:
            terminalreporter.write_line(f"report written to {self.report_path}")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Each lab's report is built once, then written and recorded (it reads SQLite and redacts evidence).
        reports = {lg.id: lg.report(self.mode, self.started_at) for lg in self.labs}
        if self.report_path:  # always written: even when every check errored
            if self.exam is not None:
                write_json_doc(self.exam_report(), self.report_path)
            else:
                write_json(reports[self.labs[0].id], self.report_path)
        for lg in self.labs:
            if self.record_progress and lg.ctx is not None and lg.results:
                st = lg.ctx.state
                Store().add_attempt(lg.id, st.instance, st.started_at, reports[lg.id].to_dict(), lg.manifest.skills)


def redact(obj: Any, secrets: list[str]) -> Any:
    """Evidence never carries a secret parameter's value."""
    if isinstance(obj, str):
        for s in secrets:
            if s:
                obj = obj.replace(s, "***")
        return obj
    if isinstance(obj, list):
        return [redact(x, secrets) for x in obj]
    if isinstance(obj, dict):
        return {k: redact(v, secrets) for k, v in obj.items()}
    return obj


def _check_id(item: pytest.Item) -> str:
    return item.name.split("@", 1)[0]


def _clone(item: pytest.Function) -> pytest.Function:
    """The same check as a new item, run in the after-restart phase."""
    kw: dict[str, Any] = {}
    if hasattr(item, "callspec"):
        kw["callspec"] = item.callspec
    clone = pytest.Function.from_parent(item.parent, name=f"{item.name}@restart", callobj=item.obj,
                                        originalname=f"{item.originalname}@restart", **kw)
    # The re-run is informational (0 points): the lab awards restart points through an after_restart check.
    clone.user_properties = [(k, 0 if k == "points" else v) for k, v in item.user_properties]
    clone.stash[_phase_key] = AFTER_RESTART
    return clone


def _past(status: str | None) -> str:
    return {None: "has not run", "failed": "failed", "error": "errored", "blocked": "was blocked",
            "not_run": "was not run", "skipped": "was skipped"}.get(status, str(status))


def _message(report: pytest.TestReport, call: pytest.CallInfo[None], status: str) -> str:
    if status == "passed":
        return ""
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    exc = call.excinfo.value if call.excinfo else None
    if exc is None:
        return str(report.longrepr)[-500:] if report.longrepr else ""
    if isinstance(exc, AssertionError):
        text = str(exc)
        # Keep the check's own sentence; drop pytest's rewritten `assert ...` explanation.
        text = text.split("\nassert ", 1)[0]
        return text.strip()[:1000] or "assertion failed"
    tb = call.excinfo.traceback if call.excinfo else None
    where = ""
    if tb:
        entry = tb[-1]
        where = f" (at {Path(str(entry.path)).name}:{entry.lineno + 1})"
    return f"the check itself broke: {type(exc).__name__}: {exc}{where}"[:1000]
