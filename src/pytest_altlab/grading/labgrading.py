"""One lab being graded: its running instance, its results per phase, its restart, its report."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from ..context import LabContext
from ..errors import AltlabError
from ..lab import LabRunner, probe_versions
from ..report import LabReport, now
from ..scoring import AFTER_RESTART, CheckResult, Mode, Phase, Status
from ..store import Store

__all__ = ["LabGrading", "RestartOutcome", "redact"]


class RestartOutcome:
    """What the after-restart phase found; the `restart_outcome` fixture hands it to checks."""

    def __init__(self, lab: LabGrading) -> None:
        self._g = lab

    @property
    def results(self) -> list[CheckResult]:
        """The results of the persistent checks in the after-restart phase."""
        return [r for r in self._g.results if r.phase == AFTER_RESTART and r.id not in self._g.after_restart_ids]

    def assert_all_passed(self) -> None:
        """Fail unless the services came back and every persistent check passed again, naming those that did not."""
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

    def __init__(self, runner: LabRunner, weight: float = 1.0, hidden: frozenset[str] = frozenset()) -> None:
        self.runner = runner
        self.manifest = runner.manifest
        self.ctx: LabContext | None = None
        self.results: list[CheckResult] = []
        self.status_by_phase: dict[tuple[Phase, str], Status] = {}
        self.after_restart_ids: set[str] = set()
        self.restarted = False
        self.restart_error: str | None = None
        self.weight = weight  # in an exam: the lab's weight in the total
        self.hidden = hidden  # in an exam: checks only the proctor sees
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

    # Told each phase of an in-process grading (`altlab grade --persistence` shows it beside a spinner).
    on_phase: ClassVar[Callable[[str], None] | None] = None

    def restart(self) -> None:
        assert self.ctx is not None
        self.restarted = True
        if LabGrading.on_phase:
            LabGrading.on_phase(f"restarting the services of {self.id}")
        try:
            self.ctx.restart()
        except AltlabError as e:
            self.restart_error = e.message
        if LabGrading.on_phase:
            LabGrading.on_phase("re-checking after the restart")

    def secrets(self) -> list[str]:
        """The values of the secret parameters (empty strings left out: they would match everywhere)."""
        st = self.ctx.state if self.ctx else None
        names = {p.name for p in self.manifest.parameters if p.secret}
        return [v for k, v in (st.params.items() if st else []) if k in names and v]

    def report(self, mode: Mode, started_at: str) -> LabReport:
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
        secrets = self.secrets()
        evidence = {nid: redact(obs, secrets) for nid, obs in self.evidence.items() if obs}
        # A check's message may quote what it found (a password in a config line): the report never carries it.
        checks = [dataclasses.replace(r, message=redact(r.message, secrets)) for r in self.results]
        return LabReport(lab_id=m.id, lab_title=m.title, lab_version=m.version, instance=self.runner.instance,
                         pass_mark=m.pass_mark, flavour=st.flavour if st else "", servers=servers,
                         parameters=params, started_at=started_at, finished_at=now(),
                         persistence_ran=self.restarted, hints=hints, mode=mode, checks=checks,
                         hidden=sorted(self.hidden), evidence=evidence)


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
