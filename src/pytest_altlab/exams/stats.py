"""Item analysis of an exam run: per check, who passed it and how well it separates candidates; neighbours' values
found in a candidate's evidence. Pure functions over the candidates' official report dicts."""

from __future__ import annotations

import html
import json
import math
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["CheckStats", "Leak", "check_stats", "exam_stats", "find_leaks", "instance_values", "render_stats",
           "stats_html"]

GROUP = 0.27  # Kelley's upper/lower groups: the classical share for the discrimination index
MIN_VALUE_LEN = 4  # shorter values ("42", "ops") turn up by chance
REDACTED = "***"

FLAGS = {"fail": "everyone fails: likely broken", "pass": "everyone passes",
         "reverse": "weaker candidates pass it more often: review"}
LEGEND = ("passed: candidates who passed it / who were graded on it. D 27%: discrimination, the share passed among "
          "the best 27% by exam total minus among the weakest 27% (-1..+1; below +0.2 separates poorly). r pb: "
          "point-biserial, the correlation of passing it with the total. A check everyone fails is likely broken, "
          "or the task does not ask for it clearly; one everyone passes tells no one apart.")

Values = dict[str, dict[str, dict[str, str]]]  # candidate -> lab -> parameter -> value


@dataclass(frozen=True)
class CheckStats:
    lab: str
    check: str
    title: str
    candidates: int  # who were graded on it (a skipped check does not count)
    passed: int
    share: float  # passed / candidates
    discrimination: float | None  # share passed in the upper 27% by total minus share in the lower 27%
    point_biserial: float | None  # correlation of passing it with the exam total
    flag: str  # "" when nothing stands out


@dataclass(frozen=True)
class Leak:
    candidate: str  # whose environment or answers hold the value
    owner: str  # whose parameter value it is
    lab: str
    parameter: str
    secret: bool
    check: str  # the check whose evidence or message holds it
    value: str  # REDACTED for secrets


def _graded_checks(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(lab id, check) that score: initial checks and restart checks with points; not the 0-point re-runs."""
    return [(lab["lab"]["id"], c) for lab in doc.get("labs", []) for c in lab.get("checks", [])
            if c.get("phase", "initial") == "initial" or c.get("points", 0) > 0]


def _discrimination(pairs: list[tuple[float, int]]) -> float | None:
    if len(pairs) < 2:
        return None
    k = max(1, round(GROUP * len(pairs)))
    ranked = sorted(pairs, key=lambda p: -p[0])
    upper, lower = ranked[:k], ranked[-k:]
    return round(sum(x for _, x in upper) / k - sum(x for _, x in lower) / k, 3)


def _point_biserial(pairs: list[tuple[float, int]]) -> float | None:
    n = len(pairs)
    if n < 2:
        return None
    mean = sum(t for t, _ in pairs) / n
    sd = math.sqrt(sum((t - mean) ** 2 for t, _ in pairs) / n)
    passed = [t for t, x in pairs if x]
    p = len(passed) / n
    if sd == 0 or p in (0.0, 1.0):
        return None  # no spread in totals, or nobody differs on the check: the correlation is undefined
    failed = [t for t, x in pairs if not x]
    return round((sum(passed) / len(passed) - sum(failed) / len(failed)) / sd * math.sqrt(p * (1 - p)), 3)


def check_stats(docs: list[dict[str, Any]]) -> list[CheckStats]:
    """One row per (lab, check), in the order the reports list them."""
    seen: dict[tuple[str, str], list[tuple[float, int]]] = {}
    titles: dict[tuple[str, str], str] = {}
    for doc in docs:
        total = float(doc.get("percent", 0.0))
        for lab, c in _graded_checks(doc):
            key = (lab, str(c["id"]))
            titles.setdefault(key, str(c.get("title", c["id"])))
            rows = seen.setdefault(key, [])
            if c.get("status") != "skipped":  # "does not apply" is neither a pass nor a failure
                rows.append((total, int(c.get("status") == "passed")))
    out = []
    for (lab, cid), pairs in seen.items():
        n, k = len(pairs), sum(x for _, x in pairs)
        d, r = _discrimination(pairs), _point_biserial(pairs)
        flag = ""
        if n >= 2 and k == 0:
            flag = FLAGS["fail"]
        elif n >= 2 and k == n:
            flag = FLAGS["pass"]
        elif (d is not None and d < 0) or (r is not None and r < 0):
            flag = FLAGS["reverse"]
        out.append(CheckStats(lab, cid, titles[(lab, cid)], n, k, round(k / n, 3) if n else 0.0, d, r, flag))
    return out


def _values(docs: list[dict[str, Any]], state: Values | None) -> tuple[Values, set[tuple[str, str]]]:
    """Each candidate's parameter values (the instance state's where known: reports redact secrets)."""
    vals: Values = {}
    secret: set[tuple[str, str]] = set()
    for doc in docs:
        cid = str(doc.get("candidate", ""))
        for lab in doc.get("labs", []):
            lid = lab["lab"]["id"]
            params = {k: str(v) for k, v in (lab.get("parameters") or {}).items()}
            secret |= {(lid, k) for k, v in params.items() if v == REDACTED}
            merged = {k: v for k, v in params.items() if v != REDACTED}
            merged.update((state or {}).get(cid, {}).get(lid, {}))
            vals.setdefault(cid, {})[lid] = merged
    return vals, secret


def find_leaks(docs: list[dict[str, Any]], state: Values | None = None) -> list[Leak]:
    """A neighbour's generated value (vhost name, password, answer) inside a candidate's evidence or messages:
    a sign of copied work. Values everyone shares (defaults) and short ones are not evidence of anything."""
    vals, secret = _values(docs, state)
    out: list[Leak] = []
    for doc in docs:
        cid = str(doc.get("candidate", ""))
        own = {v for lab in vals.get(cid, {}).values() for v in lab.values()}
        texts = [(lab, str(c["id"]), json.dumps(c.get("evidence", [])) + "\n" + str(c.get("message", "")))
                 for lab, c in _graded_checks(doc)]
        for other, labs in vals.items():
            if other == cid:
                continue
            for lid, params in labs.items():
                for name, value in params.items():
                    if len(value) < MIN_VALUE_LEN or value in own:
                        continue
                    where = next((f"{lab}/{check}" for lab, check, text in texts
                                  if value in text or json.dumps(value)[1:-1] in text), None)
                    if where:
                        is_secret = (lid, name) in secret
                        out.append(Leak(cid, other, lid, name, is_secret, where, REDACTED if is_secret else value))
    return out


def exam_stats(docs: list[dict[str, Any]], state: Values | None = None) -> dict[str, Any]:
    """The whole analysis as one JSON-ready dict."""
    return {"candidates": len(docs), "checks": [asdict(s) for s in check_stats(docs)],
            "leaks": [asdict(w) for w in find_leaks(docs, state)]}


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:+.2f}"


def render_stats(stats: dict[str, Any]) -> list[Any]:
    """Rich renderables for the terminal: the check table, then one line per leak."""
    from rich.table import Table
    from rich.text import Text

    t = Table(title=f"checks across {stats['candidates']} candidates", title_justify="left")
    for col in ("lab", "check", "passed", "D 27%", "r pb"):
        t.add_column(col, no_wrap=True)
    t.add_column("note")
    for s in stats["checks"]:
        t.add_row(s["lab"], s["check"], f"{s['passed']}/{s['candidates']} ({s['share']:.0%})",
                  _num(s["discrimination"]), _num(s["point_biserial"]), Text(s["flag"], style="red" if s["flag"]
                                                                             else ""))
    out: list[Any] = [t, Text(LEGEND, style="dim")]
    for w in stats["leaks"]:
        out.append(Text(f"warning: {w['candidate']}: {w['owner']}'s {w['lab']}.{w['parameter']}"
                        f"{' (secret)' if w['secret'] else ' = ' + repr(w['value'])} appears in the evidence of "
                        f"{w['check']}", style="yellow"))
    if not stats["leaks"]:
        out.append(Text("no candidate's values found in another candidate's evidence"))
    return out


def stats_html(docs: list[dict[str, Any]]) -> str:
    """The room page's section: the same analysis from the reports alone (secrets stay redacted there)."""
    if not docs:
        return ""
    e = html.escape
    stats = exam_stats(docs)
    rows = "".join(f"<tr><td>{e(s['lab'])}</td><td>{e(s['title'])}</td><td>{s['passed']}/{s['candidates']}</td>"
                   f"<td>{_num(s['discrimination'])}</td><td>{_num(s['point_biserial'])}</td>"
                   f"<td class={'failed' if s['flag'] else ''}>{e(s['flag'])}</td></tr>" for s in stats["checks"])
    leaks = "".join(f"<li>{e(w['candidate'])}: {e(w['owner'])}'s {e(w['lab'])}.{e(w['parameter'])} = "
                    f"{e(repr(w['value']))} appears in the evidence of {e(w['check'])}</li>" for w in stats["leaks"])
    return ("<h2 id=stats>Checks across the room</h2><table><tr><th>lab</th><th>check</th><th>passed</th>"
            "<th>discrimination (upper - lower 27%)</th><th>point-biserial</th><th>note</th></tr>" + rows + "</table>"
            + (f"<h3>Values of other candidates in evidence</h3><ul id=leaks>{leaks}</ul>" if leaks else ""))


def instance_values(run: Any, candidates: list[str]) -> dict[str, dict[str, dict[str, str]]]:
    """Parameter values from the candidates' instance states (with the secrets reports redact), where they
    still exist: `exam stop` removes them, and then secrets are not compared."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for cid in candidates:
        for r in run.runners(cid):
            st = r.state()
            if st is not None:
                out.setdefault(cid, {})[r.manifest.id] = dict(st.params)
    return out
