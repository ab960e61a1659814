"""The portal's ONLY door into the library (exam runs, labs, grading, catalog) and the Docker engine.

Everything here is blocking; the web app calls it through a thread pool. Keeping every import of
the library in this one module means a move of library modules only needs a fix here."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog import Catalog
from ..errors import AltlabError
from ..exams.manifest import CANDIDATE_RE, candidate_instance, find_exam
from ..exams.proctor import candidate_status, grade_one, restart_candidate
from ..exams.run import ExamRun
from ..grading.forkclient import pytest_process
from ..instance import InstanceState
from ..lab import LabRunner
from ..paths import state_home

__all__ = ["Engine", "LabView", "AltlabError", "CANDIDATE_RE", "state_home", "task_for_portal"]


@dataclass(frozen=True)
class LabView:
    id: str
    title: str
    services: tuple[str, ...]
    instance: str
    task: str  # TASK.md, filled with the candidate's parameters, with portal wording
    hints: tuple[tuple[str, float], ...]  # (text, cost); drills only


_SHELL = re.compile(r"`altlab(?:\s+--lab-dir\s+\S+)*\s+shell\s[^`]*`")
_GRADE = re.compile(r"`altlab(?:\s+--lab-dir\s+\S+)*\s+grade\s[^`]*`")
_RESTART = re.compile(r"`altlab(?:\s+--lab-dir\s+\S+)*\s+restart\s[^`]*`")
_STATUS = re.compile(r"`altlab(?:\s+--lab-dir\s+\S+)*\s+status\s[^`]*`")


def task_for_portal(text: str, exam: bool) -> str:
    """The task sheet speaks of the portal's controls instead of the CLI the candidate does not have."""
    text = _SHELL.sub("the terminal tabs above", text)
    text = _GRADE.sub("the **Check** button" if exam else "the **Check my work** button", text)
    text = _STATUS.sub("the terminal (inside the container the services listen on their usual ports)", text)
    return _RESTART.sub("the **Restart services** button", text)


class Engine:
    """One exam run (exam mode) or the labs of a practice server (drill mode)."""

    def __init__(self, exam: str | None = None, lab_dirs: list[str] | None = None) -> None:
        self.catalog = Catalog([Path(d) for d in lab_dirs or []])
        self.lab_dirs = list(lab_dirs or [])
        self.run = ExamRun(find_exam(exam, self.catalog), self.catalog) if exam else None
        self._client: Any = None

    # --- where things are ------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return "exam" if self.run else "drill"

    @property
    def folder(self) -> Path:
        """The run folder (exam) or the practice server's folder (drills): tokens, recordings, state."""
        if self.run:
            return self.run.dir
        return state_home() / "portal"

    @property
    def title(self) -> str:
        return self.run.exam.title if self.run else "Practice labs"

    def recordings(self, who: str) -> Path:
        return self.folder / "recordings" / who

    # --- the portal's own state, kept in run.json under "portal" (locked across processes) ----------

    @contextmanager
    def portal_state(self) -> Iterator[dict[str, Any]]:
        if self.run:
            with self.run.locked() as data:
                yield data.setdefault("portal", {})
            return
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True)
        f = self.folder / "portal.json"
        with open(self.folder / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state: dict[str, Any] = json.loads(f.read_text()) if f.exists() else {}
            yield state
            tmp = f.with_suffix(".tmp")
            tmp.write_text(json.dumps(state, indent=2, sort_keys=True))
            os.chmod(tmp, 0o600)
            tmp.replace(f)

    def read_portal_state(self) -> dict[str, Any]:
        if self.run:
            return dict(self.run.load().get("portal", {}))
        f = self.folder / "portal.json"
        return json.loads(f.read_text()) if f.exists() else {}

    # --- candidates, deadlines, accommodations ----------------------------------------------------------

    def candidates(self) -> list[str]:
        assert self.run
        return sorted(self.run.require().get("candidates", {}))

    def deadline(self, cid: str) -> dt.datetime | None:
        """The run's deadline plus the candidate's extensions; None in drills (no time limit)."""
        if not self.run:
            return None
        data = self.run.require()
        extra = float(data.get("candidates", {}).get(cid, {}).get("extra_minutes", 0))
        return dt.datetime.fromisoformat(data["deadline"]) + dt.timedelta(minutes=extra)

    def finished(self, cid: str) -> bool:
        return bool(self.run and self.run.load().get("candidates", {}).get(cid, {}).get("finished_at"))

    def extend(self, cid: str, minutes: float, reason: str, by: str = "proctor") -> dt.datetime:
        """More time for one candidate: an accommodation in the run state (and so in their report)."""
        assert self.run
        if not 0 < minutes <= 24 * 60:
            raise AltlabError(f"extension of {minutes} minutes is out of range", hint="1 to 1440 minutes")
        with self.run.locked() as data:
            info = data.get("candidates", {}).get(cid)
            if info is None:
                raise AltlabError(f"no candidate '{cid}' in exam '{self.run.exam.id}'")
            info["extra_minutes"] = float(info.get("extra_minutes", 0)) + minutes
            info.setdefault("accommodations", []).append({
                "kind": "extra_time", "minutes": minutes, "reason": reason[:200], "by": by,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
        new = self.deadline(cid)
        assert new is not None
        for r in self.run.runners(cid):  # `altlab shell` on the host honours the same deadline
            st = r.state()
            if st is not None and st.exam:
                st.exam["deadline"] = new.isoformat(timespec="seconds")
                st.save()
        return new

    # --- labs ----------------------------------------------------------------------------------------

    def runners(self, who: str) -> list[LabRunner]:
        if self.run:
            return self.run.runners(who)
        return [LabRunner(self.catalog.get(lab), instance) for lab, instance in self._drill_labs(who)]

    def labs(self, who: str) -> list[LabView]:
        out = []
        for r in self.runners(who):
            st = r.state()
            task = st.task_file.read_text(encoding="utf-8") if st and st.task_file.exists() else ""
            out.append(LabView(id=r.manifest.id, title=r.manifest.title,
                               services=tuple(s.name for s in r.manifest.services), instance=r.instance,
                               task=task_for_portal(task, self.mode == "exam"),
                               hints=tuple((h.text, h.cost) for h in r.manifest.hints)))
        return out

    def _runner(self, who: str, lab: str) -> LabRunner:
        for r in self.runners(who):
            if r.manifest.id == lab:
                return r
        raise AltlabError(f"no lab '{lab}' for '{who}'")

    def container(self, who: str, lab: str, service: str) -> str:
        r = self._runner(who, lab)
        if service not in [s.name for s in r.manifest.services]:
            raise AltlabError(f"lab {lab} has no service '{service}'")
        st = r.running_state()
        backend: Any = r.backend(st)  # the compose backend names containers <project>-<service>-1
        return str(backend.container(service))

    def docker_client(self) -> Any:
        if self._client is None:
            import docker

            self._client = docker.from_env(timeout=30)
        return self._client

    # --- grading ---------------------------------------------------------------------------------

    def _pytest(self, args: list[str]) -> dict[str, Any]:
        """The grader in its own process: pytest state never leaks into the long-running portal."""
        with tempfile.TemporaryDirectory(prefix="altlab-portal-") as tmp:
            report = Path(tmp) / "report.json"
            lab_dirs = [a for d in self.catalog.dirs[:-1] for a in ("--lab-dir", str(d.resolve()))]
            argv = [*lab_dirs, *args, "--lab-report", str(report), "-q",
                    "-p", "no:cacheprovider", "--rootdir", tmp, "-o", "addopts="]
            _, output = pytest_process(argv, cwd=Path(tmp), timeout=900)  # forked by the resident grader
            if not report.exists():
                raise AltlabError("grading produced no report", hint=output[-800:])
            doc: dict[str, Any] = json.loads(report.read_text())
            return doc

    def check_visible(self, cid: str) -> dict[str, Any]:
        """What `pytest --exam` shows a candidate: the total and the visible checks' pass/fail, no messages."""
        assert self.run
        doc = self._pytest(["--exam", str(self.run.exam.file.resolve()), "--candidate", cid, "--lab-mode", "exam"])
        labs = []
        for lab in doc.get("labs", []):
            hidden = set(lab.get("hidden_checks", []))
            labs.append({"lab": lab["lab"]["id"], "title": lab["lab"]["title"], "percent": lab.get("percent"),
                         "checks": [{"title": c["title"], "status": c["status"]}
                                    for c in lab.get("checks", []) if c["id"] not in hidden]})
        return {"percent": doc.get("percent"), "pass_mark": doc.get("pass_mark"), "passed": doc.get("passed"),
                "labs": labs}

    def check_drill(self, who: str, lab: str) -> dict[str, Any]:
        """Same grader and messages as `altlab grade`."""
        r = self._runner(who, lab)
        r.running_state()
        doc = self._pytest(["--lab", lab, "--lab-instance", r.instance])
        return {"percent": doc.get("percent"), "pass_mark": doc.get("pass_mark"), "passed": doc.get("passed"),
                "labs": [{"lab": lab, "title": doc["lab"]["title"], "percent": doc.get("percent"),
                          "checks": [{"title": c["title"], "status": c["status"], "message": c.get("message", ""),
                                      "look": c.get("look", ""), "points": c["points"], "awarded": c["awarded"]}
                                     for c in doc.get("checks", [])]}]}

    def grade(self, cid: str, *, final: bool) -> dict[str, Any]:
        assert self.run
        doc = grade_one(self.run, cid, final=final)
        if final:
            self.run.set_candidate(cid, finished_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        return doc

    def room(self) -> list[dict[str, Any]]:
        assert self.run
        rows = candidate_status(self.run)
        data = self.run.require()
        for row in rows:
            info = data.get("candidates", {}).get(row["candidate"], {})
            d = self.deadline(row["candidate"])
            assert d is not None
            row["seconds_left"] = max(0, int((d - dt.datetime.now(dt.UTC)).total_seconds()))
            row["extra_minutes"] = info.get("extra_minutes", 0)
            row["finished"] = bool(info.get("finished_at"))
        return rows

    def restart_environment(self, cid: str) -> None:
        assert self.run
        restart_candidate(self.run, cid)

    def restart_services(self, who: str, lab: str) -> dict[str, Any]:
        self._runner(who, lab).restart()
        return {"ok": True}

    # --- drills (a shared practice server) -------------------------------------------------------------

    def _drill_labs(self, who: str) -> list[tuple[str, str]]:
        learner = self.read_portal_state().get("learners", {}).get(who, {})
        return [(lab, learner_instance(who)) for lab in learner.get("labs", [])]

    def lab_ids(self) -> list[tuple[str, str]]:
        return [(m.id, m.title) for m in self.catalog.all()]

    def start_drill(self, who: str, lab: str, quota: int) -> dict[str, Any]:
        mine = [x for x, _ in self._drill_labs(who)]
        if lab not in mine and len(mine) >= quota:
            raise AltlabError(f"at most {quota} labs at a time", hint="stop one of your labs first")
        r = LabRunner(self.catalog.get(lab), learner_instance(who))
        st = r.state()
        if st is None or not st.task_file.exists():
            from ..pool import claim  # a ready instance where `--pool LAB` keeps some (refilled behind)

            if st is not None or claim(r, "debian", None) is None:
                r.start()
        with self.portal_state() as ps:
            labs = ps.setdefault("learners", {}).setdefault(who, {}).setdefault("labs", [])
            if lab not in labs:
                labs.append(lab)
        return {"ok": True}

    def stop_drill(self, who: str, lab: str) -> dict[str, Any]:
        self._runner(who, lab).stop()
        with self.portal_state() as ps:
            labs = ps.setdefault("learners", {}).setdefault(who, {}).setdefault("labs", [])
            if lab in labs:
                labs.remove(lab)
        return {"ok": True}

    def hint(self, who: str, lab: str) -> dict[str, Any]:
        from ..drills import next_hint
        from ..store import Store

        r = self._runner(who, lab)
        st = r.running_state()
        idx, text, cost, total = next_hint(Store(), r.manifest, st.instance, st.started_at)
        return {"index": idx, "of": len(r.manifest.hints), "text": text, "cost": cost, "total": total}

    def reset(self, who: str, lab: str) -> dict[str, Any]:
        from ..pool import reset  # a ready pool instance takes the learner's place, where `--pool LAB` keeps some

        reset(self._runner(who, lab))
        return {"ok": True}

    def fill_pools(self, sizes: dict[str, int]) -> None:
        """Keep `sizes[lab]` ready instances of each lab for learners (filled and refilled in the background)."""
        from ..pool import fill_in_background

        for lab, n in sizes.items():
            fill_in_background(self.catalog.get(lab), n)


def learner_instance(who: str) -> str:
    return candidate_instance("drill", who).replace("x-drill-", "d-")


def instance_state(project: str) -> InstanceState | None:
    return InstanceState.load(project)


Blocking = Callable[..., Any]
