"""The Grader: registered as a plugin for --lab/--exam; orders the phases, collects results, writes reports."""

from __future__ import annotations

import time
from collections.abc import Generator
from pathlib import Path
from typing import Any, cast

import pytest

from ..report import ExamReport, LabReport, now, render_table, write_json
from ..scoring import AFTER_RESTART, CheckResult, Phase, Status, title_from_name
from ..store import Store
from .labgrading import LabGrading, redact
from .messages import message_of, past_tense
from .options import GraderOptions
from .timeouts import RESTART_ALLOWANCE

# Written first and replaced at the end: a grading that dies (os._exit in a check, SIGKILL) still leaves a report.
UNFINISHED = "the grading did not finish: the grading process ended before it wrote its report"

__all__ = ["Grader", "grader_key"]

grader_key = pytest.StashKey["Grader"]()
_phase_key = pytest.StashKey[Phase]()
_skip_status_key = pytest.StashKey[Status]()


class Grader:
    """Registered as a plugin when --lab or --exam is given: the labs, their results, the report."""

    def __init__(self, labs: list[LabGrading], options: GraderOptions) -> None:
        self.labs = labs
        self.by_id = {lg.id: lg for lg in labs}
        self.options = options
        self.started_at = now()
        self._t0: dict[str, float] = {}
        self.collect_errors: list[str] = []
        self.collected = 0

    # The options are fixed for the session; these names keep the hooks short.
    @property
    def persistence(self) -> bool:
        return self.options.persistence

    @property
    def report_path(self) -> Path | None:
        return self.options.report_path

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

    def limit_of(self, item: pytest.Item, phase: str) -> float | None:
        """A check's time limit per phase (see grading.timeouts); the setup that restarts the services gets more."""
        lg = self.lab_for_path(Path(str(item.path)))
        if lg is None:
            return None
        extra = RESTART_ALLOWANCE if phase == "setup" and self.persistence and not lg.restarted and \
            item.stash.get(_phase_key, "initial") == AFTER_RESTART else 0.0
        return lg.manifest.check_timeout + extra

    def run_error(self) -> str | None:
        """Why this grading could not grade everything: collection errors, or no check at all."""
        if self.collect_errors:
            return "collecting the checks failed: " + "; ".join(self.collect_errors)[:1500]
        if not self.collected and not any(lg.results for lg in self.labs):  # (xdist: the workers collect)
            return "no checks were collected"
        return None

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            text = str(report.longrepr).strip().splitlines()
            self.collect_errors.append(f"{report.nodeid or 'session'}: {text[-1] if text else 'failed'}")

    def write_failed_report(self, error: str) -> None:
        if self.report_path:
            if self.options.exam is not None:
                self.exam_report(error).write(self.report_path)
                return
            rep = self.labs[0].report(self.options.mode, self.started_at)
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
            if mark is None or not mark.args or isinstance(mark.args[0], bool) \
                    or not isinstance(mark.args[0], (int, float)) or not 0 <= mark.args[0] < float("inf"):
                raise pytest.UsageError(f"{item.nodeid}: every check needs @pytest.mark.points(n), "
                                        "n a finite number >= 0")
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
        self.collected = len(items)

    # --- running ---------------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        lg = self._lab(item)
        phase: Phase = item.stash.get(_phase_key, "initial")
        self._t0[item.nodeid] = time.perf_counter()
        if phase == AFTER_RESTART:
            if not self.persistence:
                item.stash[_skip_status_key] = "not_run"
                pytest.skip("needs the restart phase: grade with --lab-persistence")
            if not lg.restarted:
                lg.restart()
            if lg.restart_error and _check_id(item) not in lg.after_restart_ids:
                item.stash[_skip_status_key] = "error"
                pytest.skip(f"the services did not come back after the restart: {lg.restart_error}")
        if lg.ctx is not None:
            lg.ctx.evidence = lg.evidence.setdefault(item.nodeid, [])
        deps = item.get_closest_marker("depends")
        for dep in deps.args if deps else ():
            # A dependency that is not re-run after the restart counts with its first-phase result.
            st = lg.status_by_phase.get((phase, str(dep))) or lg.status_by_phase.get(("initial", str(dep)))
            if st != "passed":
                item.stash[_skip_status_key] = "blocked"
                pytest.skip(f"blocked: depends on '{dep}', which {past_tense(st)}")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
        report = yield
        status: Status | None = None
        if report.when == "setup" and not report.passed:
            # A fixture's own assertion ("server not answering") is about the candidate's state: failed.
            exc = call.excinfo.value if call.excinfo else None
            skip_status: Status = item.stash.get(_skip_status_key, "skipped")
            status = (skip_status if report.skipped
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
            message = message_of(report, call, status)
            look = item.get_closest_marker("look")
            props = [("status", status), ("message", message), ("look", look.args[0] if look and look.args else ""),
                     ("phase", item.stash.get(_phase_key, "initial")),
                     ("duration", time.perf_counter() - self._t0.get(item.nodeid, time.perf_counter())),
                     ("title", title_from_name(item.name, getattr(getattr(item, "obj", None), "__doc__", None)))]
            report.user_properties = list(report.user_properties) + props
            item.user_properties += [p for p in props if p[0] in ("status",)]
        owner = self.lab_for_path(Path(str(item.path)))
        secrets = owner.secrets() if owner else []
        if secrets and report.longrepr is not None and not isinstance(report.longrepr, tuple):
            # What the terminal and pytest's own JUnit XML show: never a secret parameter's value.
            text = str(report.longrepr)
            if any(x in text for x in secrets):
                report.longrepr = redact(text, secrets)
        if secrets:
            report.sections = [(k, redact(v, secrets)) for k, v in report.sections]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if "status" not in props or (report.when == "teardown" and not report.failed):
            return
        lg = self.by_id[str(props["lab"])]
        if report.when == "teardown":  # an error after a pass replaces the pass
            lg.results = [r for r in lg.results if r.node_id != report.nodeid]
        r = CheckResult(id=str(props["check_id"]), title=str(props["title"]), points=float(str(props["points"])),
                        status=cast(Status, props["status"]), message=str(props["message"]),
                        phase=cast(Phase, props["phase"]),
                        node_id=report.nodeid, duration=float(str(props["duration"])), look=str(props.get("look", "")))
        lg.results.append(r)
        lg.status_by_phase[(r.phase, r.id)] = r.status

    # --- output ----------------------------------------------------------------------------------

    def report(self) -> LabReport:
        return self.labs[0].report(self.options.mode, self.started_at)

    def lab_report(self, lg: LabGrading) -> LabReport:
        rep = lg.report(self.options.mode, self.started_at)
        rep.error = rep.error or self.run_error()
        return rep

    def exam_report(self, error: str | None = None) -> ExamReport:
        exam = self.options.exam
        assert exam is not None
        return ExamReport(exam_id=exam.id, exam_title=exam.title, exam_version=exam.version, pass_mark=exam.pass_mark,
                          candidate=self.options.candidate, started_at=self.started_at, finished_at=now(),
                          labs=[(lg.report(self.options.mode, self.started_at), lg.weight) for lg in self.labs],
                          error=error or self.run_error())

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        tw = terminalreporter._tw
        terminalreporter.section("altlab score")
        for lg in self.labs:
            rep = lg.report(self.options.mode, self.started_at)
            # The candidate's view: visible checks, status only; the score counts every check, as candidate.html.
            exam = self.options.mode == "exam"
            terminalreporter.write(render_table(rep, color=tw.hasmarkup, width=min(tw.fullwidth, 140),
                                                show_messages=not exam, hidden=lg.hidden if exam else ()))
        if self.options.exam is not None:
            total = self.exam_report().total
            terminalreporter.write_line(f"exam {self.options.exam.id}: {total.percent:g}% (pass mark "
                                        f"{total.pass_mark:g}%): {'PASSED' if total.passed else 'NOT PASSED'}")
        if self.report_path and self.options.announce_report:
            terminalreporter.write_line(f"report written to {self.report_path}")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Each lab's report is built once, then written and recorded (it reads SQLite and redacts evidence).
        reports = {lg.id: self.lab_report(lg) for lg in self.labs}
        if self.report_path:  # always written: even when every check errored
            if self.options.exam is not None:
                self.exam_report().write(self.report_path)
            else:
                rep = reports[self.labs[0].id]
                if self.options.mode == "exam":  # an exam's instance graded with --lab: the candidate's view
                    rep = candidate_view(rep)
                write_json(rep, self.report_path)
        for lg in self.labs:
            if self.options.record_progress and lg.ctx is not None and lg.results:
                st = lg.ctx.state
                Store().add_attempt(lg.id, st.instance, st.started_at, reports[lg.id].to_dict(), lg.manifest.skills)


def candidate_view(rep: LabReport) -> LabReport:
    """A report without messages, evidence or hidden checks' titles; the scores stay those of every check."""
    import dataclasses

    names = {cid: f"hidden-{i}" for i, cid in enumerate(rep.hidden, 1)}  # not even a hidden check's name
    checks = [dataclasses.replace(c, message="", look="", id=names.get(c.id, c.id), node_id="",
                                  title="(hidden)" if c.id in names else c.title) for c in rep.checks]
    return dataclasses.replace(rep, checks=checks, evidence={}, parameters={}, hidden=sorted(names.values()))


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
