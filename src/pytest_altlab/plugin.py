"""pytest hooks only: options, markers, which checks to collect, the Grader plugin, the checks' fixtures."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .catalog import Catalog
from .context import LabContext
from .errors import AltlabError, LabNotRunning
from .grading.examview import exam_hidden
from .grading.grader import UNFINISHED, Grader, grader_key
from .grading.labgrading import LabGrading, RestartOutcome
from .grading.options import GraderOptions
from .grading.timeouts import CheckTimer
from .lab import LabRunner

if TYPE_CHECKING:
    from .exams.manifest import ExamManifest

__all__ = ["Grader", "LabGrading", "grader_key"]
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
    g.addoption("--lab-report-unannounced", action="store_true",
                help="do not print where the report went (`altlab grade` keeps it in the instance's folder)")
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
    if not lab_id and not exam_ref:  # `--lab ''` is refused in pytest_configure
        return
    try:
        catalog = Catalog([Path(p) for p in getattr(ns, "lab_dir", None) or []])
        if exam_ref:
            from .exams.manifest import find_exam

            dirs = [catalog.get(x.lab).checks_dir for x in find_exam(exam_ref, catalog).labs]
            # Several labs: cut at their common folder, so no conftest around the caller loads.
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
    for opt, value in (("--lab", lab_id), ("--exam", exam_ref), ("--candidate", config.getoption("candidate"))):
        if value is not None and not value.strip():  # never a plain pytest session run by mistake
            raise pytest.UsageError(f"{opt} needs a value: {opt} {'ID' if opt != '--exam' else 'EXAM'}")
    if not lab_id and not exam_ref:
        return
    report_path = config.getoption("lab_report")
    hidden: frozenset[str] | None = None
    try:
        catalog = Catalog([Path(p) for p in config.getoption("lab_dir")] + list(config.getini("altlab_lab_dirs")))
        if exam_ref:
            labs, exam = _exam_labs(config, catalog, exam_ref)
        else:
            runner = LabRunner(catalog.get(str(lab_id)), config.getoption("lab_instance"))
            hidden = exam_hidden(runner, catalog)
            labs, exam = [LabGrading(runner, hidden=hidden or frozenset())], None
    except AltlabError as e:
        raise pytest.UsageError(str(e)) from None
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        what = f"--exam {exam_ref}" if exam_ref else f"--lab {lab_id}"
        raise pytest.UsageError(
            f"{what} collects the lab's own checks; leave out the paths ({' '.join(config.args)}) "
            "and select checks with -k if you need to")
    config.args[:] = [str(lg.manifest.checks_dir) for lg in labs]
    exam_instance = hidden is not None  # an exam's instance graded with --lab: always the candidate's view
    worker = hasattr(config, "workerinput")  # a pytest-xdist worker: the controller writes and records
    if worker and config.getoption("lab_persistence"):
        raise pytest.UsageError("the restart phase (--lab-persistence) needs one process: leave out -n")
    options = GraderOptions(
        report_path=Path(report_path) if report_path and not worker else None,
        persistence=config.getoption("lab_persistence"),
        mode="exam" if exam_instance else config.getoption("lab_mode") or ("exam" if exam else "drill"),
        record_progress=not config.getoption("lab_no_progress") and exam is None and not worker and not exam_instance,
        exam=exam, candidate=config.getoption("candidate") or "",
        announce_report=not config.getoption("lab_report_unannounced"))
    grader = Grader(labs, options)
    if options.mode == "exam" or _quiet_failures(config):
        # The candidate's view is the score table only: no tracebacks or summaries that would show
        # what a check expected (its source, its locals, `assert 'found' == 'answer'`); the proctor's
        # report keeps every detail. A drill shows them only when asked (-v, or an explicit --tb).
        config.option.tbstyle = "no"
        config.option.reportchars = ""
    try:
        grader.write_failed_report(UNFINISHED)  # replaced at the end; stays if this process dies
    except OSError as e:
        raise pytest.UsageError(f"--lab-report {report_path}: cannot be written ({e.strerror or e})") from None
    try:
        grader.connect()
    except LabNotRunning as e:
        grader.write_failed_report(str(e))
        raise pytest.UsageError(str(e)) from None
    config.stash[grader_key] = grader
    config.pluginmanager.register(grader, "altlab-grader")
    config.pluginmanager.register(CheckTimer(grader.limit_of), "altlab-check-timer")


def _quiet_failures(config: pytest.Config) -> bool:
    """A drill hides pytest's tracebacks unless the learner asked for them (-v or --tb=...)."""
    return config.option.verbose <= 0 and config.option.tbstyle == "auto"


def _exam_labs(config: pytest.Config, catalog: Catalog, ref: str) -> tuple[list[LabGrading], ExamManifest]:
    from .exams.manifest import candidate_instance, find_exam

    candidate = config.getoption("candidate")
    if not candidate:
        raise AltlabError("--exam needs --candidate ID", hint="the candidate whose labs to grade")
    exam = find_exam(ref, catalog)
    labs = []
    for x in exam.labs:
        labs.append(LabGrading(LabRunner(catalog.get(x.lab), candidate_instance(exam.id, candidate)),
                               weight=x.weight, hidden=frozenset(x.hidden)))
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
