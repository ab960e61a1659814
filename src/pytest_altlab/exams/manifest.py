"""Exams: exam.yaml -> validated objects, per-candidate instances and seeds, weighted totals."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..catalog import Catalog
from ..errors import AltlabError, ManifestError
from ..manifest import check_hint, is_check
from ..paths import data_root
from ..validation import check_keys, read_yaml

__all__ = ["ExamLab", "ExamManifest", "load_exam", "find_exam", "exam_ids", "candidate_instance",
           "candidate_seed", "CANDIDATE_RE"]

CANDIDATE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,30}$")
KNOWN = {"schema", "id", "title", "version", "time_limit", "pass_mark", "labs"}


@dataclass(frozen=True)
class ExamLab:
    lab: str
    weight: float
    hidden: tuple[str, ...]


@dataclass(frozen=True)
class ExamManifest:
    file: Path
    id: str
    title: str
    version: int
    time_limit: float  # minutes
    pass_mark: float
    labs: tuple[ExamLab, ...]


def exams_dir() -> Path:
    return data_root() / "exams"


def exam_ids() -> list[str]:
    return sorted(p.stem for p in exams_dir().glob("*.yaml"))


def find_exam(ref: str, catalog: Catalog | None = None) -> ExamManifest:
    """An exam by id (shipped exams/) or by the path of an exam.yaml."""
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") and p.is_file():
        return load_exam(p, catalog)
    f = exams_dir() / f"{ref}.yaml"
    if not f.is_file():
        import difflib

        close = difflib.get_close_matches(ref, exam_ids(), n=3)
        raise AltlabError(f"unknown exam '{ref}'", hint=f"did you mean {', '.join(close)}?" if close
                          else "known exams: " + ", ".join(exam_ids()))
    return load_exam(f, catalog)


def load_exam(file: Path, catalog: Catalog | None = None) -> ExamManifest:
    def fail(fld: str, value: object, expected: str) -> ManifestError:
        return ManifestError(str(file), fld, value, expected)

    data = read_yaml(file, fail)
    if not isinstance(data, dict):
        raise fail("(top level)", data, "a mapping")
    check_keys(fail, data, KNOWN)
    eid = data.get("id")
    if not isinstance(eid, str) or not re.match(r"^[a-z][a-z0-9-]{1,40}$", eid):
        raise fail("id", eid, "a lowercase id like 'admin-level-1'")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("title", title, "a non-empty string")
    limit = data.get("time_limit")
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not 0 < limit <= 24 * 60:
        raise fail("time_limit", limit, "minutes, a number above 0 and at most 1440")
    mark = data.get("pass_mark", 70)
    if isinstance(mark, bool) or not isinstance(mark, (int, float)) or not 0 <= mark <= 100:
        raise fail("pass_mark", mark, "a number from 0 to 100")
    raw = data.get("labs")
    if not isinstance(raw, list) or not raw:
        raise fail("labs", raw, "a list of {lab, weight, hidden}")
    cat = catalog or Catalog()
    known = cat.ids()
    labs = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            item = {"lab": item}
        if not isinstance(item, dict):
            raise fail(f"labs[{i}]", item, "a mapping {lab, weight, hidden}")
        check_keys(fail, item, ("lab", "weight", "hidden"), f"labs[{i}]")
        lab = item.get("lab")
        if lab not in known:
            raise fail(f"labs[{i}].lab", lab, "a lab id from `altlab list`")
        weight = item.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight < math.inf:
            raise fail(f"labs[{i}].weight", weight, "a finite number above 0")
        hidden = item.get("hidden", [])
        if not isinstance(hidden, list) or not all(isinstance(h, str) for h in hidden):
            raise fail(f"labs[{i}].hidden", hidden, "a list of check ids")
        ids = cat.get(str(lab)).check_ids
        for j, h in enumerate(hidden):
            if not is_check(h, ids):
                raise fail(f"labs[{i}].hidden[{j}]", h, check_hint(h, ids))
        labs.append(ExamLab(lab=str(lab), weight=float(weight), hidden=tuple(hidden)))
    if len({x.lab for x in labs}) != len(labs):
        raise fail("labs", [x.lab for x in labs], "each lab at most once")
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise fail("version", version, "a whole number >= 1")
    return ExamManifest(file=file, id=eid, title=title, version=int(version), time_limit=float(limit),
                        pass_mark=float(mark), labs=tuple(labs))


def candidate_instance(exam_id: str, candidate: str) -> str:
    """Each candidate's labs run as their own instances: own projects, networks, volumes, ports."""
    if not CANDIDATE_RE.match(candidate):
        raise AltlabError(f"candidate id '{candidate}' is not valid",
                          hint="lowercase letters, digits, '-' and '_', at most 31 characters")
    # Injective by construction, never cut: exam ids have no '_', so the first '_' ends the exam id.
    return f"x-{exam_id}_{candidate}"


def candidate_seed(exam_seed: str, candidate: str) -> str:
    """Per-candidate parameter values: a neighbour's vhost names and passwords differ from yours."""
    return f"{exam_seed}:{candidate}"
