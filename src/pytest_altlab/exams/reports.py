"""An exam report rendered for its readers: Gradescope results.json, merged JUnit XML, HTML, the room's roll-up."""

from __future__ import annotations

import csv
import html
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

__all__ = ["gradescope", "write_junit", "candidate_html", "rollup_html", "rollup_csv"]


def gradescope(doc: dict[str, Any]) -> dict[str, Any]:
    """Gradescope's results.json: score out of 100 (the weighted percent), one test per check."""
    tests = []
    for lab in doc["labs"]:
        hidden = set(lab.get("hidden_checks", []))
        scale = 100.0 * lab["weight"] / (sum(x["weight"] for x in doc["labs"]) or 1) / (lab["max_score"] or 1)
        for c in lab["checks"]:
            if c["phase"] == "after_restart" and c["points"] == 0:
                continue  # informational re-runs
            tests.append({
                "name": f"{lab['lab']['id']}: {c['title']}",
                "score": round(c["awarded"] * scale, 3), "max_score": round(c["points"] * scale, 3),
                "status": "passed" if c["status"] == "passed" else "failed",
                "output": "" if c["status"] == "passed" else f"{c['status']}: {c['message']}",
                "visibility": "hidden" if c["id"] in hidden else "visible",
            })
    return {"score": doc["percent"], "output": f"{doc['exam']['title']}: {doc['percent']:g}%",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def write_junit(doc: dict[str, Any], path: Path) -> None:
    """JUnit XML: a testsuite per lab, a testcase per check, points as properties."""
    root = ET.Element("testsuites", name=doc["exam"]["id"])
    for lab in doc["labs"]:
        checks = lab["checks"]
        suite = ET.SubElement(root, "testsuite", name=lab["lab"]["id"], tests=str(len(checks)),
                              failures=str(sum(c["status"] in ("failed", "blocked", "not_run") for c in checks)),
                              errors=str(sum(c["status"] == "error" for c in checks)))
        for c in checks:
            case = ET.SubElement(suite, "testcase", classname=lab["lab"]["id"],
                                 name=c["id"] + ("@restart" if c["phase"] == "after_restart" else ""))
            props = ET.SubElement(case, "properties")
            for k in ("points", "awarded", "status", "phase"):
                ET.SubElement(props, "property", name=k, value=str(c[k]))
            if c["status"] in ("failed", "blocked", "not_run"):
                ET.SubElement(case, "failure", message=c["message"][:500]).text = c["message"]
            elif c["status"] == "error":
                ET.SubElement(case, "error", message=c["message"][:500]).text = c["message"]
            elif c["status"] == "skipped":
                ET.SubElement(case, "skipped", message=c["message"][:500])
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


_CSS = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}th{background:#f3f3f3}
.passed{color:#1a7f37}.failed,.error{color:#c62828}.blocked{color:#b26a00}.not_run,.skipped{color:#777}
.total{font-size:1.4em}pre{white-space:pre-wrap;max-height:20em;overflow:auto;background:#f8f8f8;padding:.5em}
.hidden-check{background:#fff8e1}"""


def _page(title: str, body: str) -> str:
    # One file, no external resources: it opens offline and can be archived as evidence.
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body>{body}</body></html>\n")


def candidate_html(doc: dict[str, Any], proctor: bool = True) -> str:
    e = html.escape
    verdict = "PASSED" if doc["passed"] else "NOT PASSED"
    parts = [f"<h1>{e(doc['exam']['title'])}</h1>",
             f"<p>Candidate <b id=candidate>{e(doc['candidate'])}</b> · graded {e(doc['finished_at'])}"
             f"{' · final (at the time limit)' if doc.get('final') else ''}</p>",
             f"<p class=total>Total <b id=total>{doc['percent']:g}%</b> (pass mark {doc['pass_mark']:g}%): "
             f"<b class={'passed' if doc['passed'] else 'failed'}>{verdict}</b></p>",
             "<table><tr><th>lab</th><th>weight</th><th>score</th><th>percent</th><th>result</th></tr>"]
    if proctor:  # changed programs in the candidate's containers: the proctor must see it first
        from .tamper import tamper_html

        parts.insert(3, tamper_html(doc))
    for lab in doc["labs"]:
        parts.append(f"<tr><td>{e(lab['lab']['title'])}</td><td>{lab['weight']:g}</td>"
                     f"<td>{lab['score']:g}/{lab['max_score']:g}</td><td>{lab['percent']:g}%</td>"
                     f"<td class={'passed' if lab['passed'] else 'failed'}>"
                     f"{'passed' if lab['passed'] else 'not passed'}</td></tr>")
    parts.append("</table>")
    for lab in doc["labs"]:
        hidden = set(lab.get("hidden_checks", []))
        parts.append(f"<h2>{e(lab['lab']['title'])}</h2><table><tr><th>check</th><th>points</th><th>status</th>"
                     + ("<th>details and evidence</th>" if proctor else "") + "</tr>")
        for c in lab["checks"]:
            if not proctor and c["id"] in hidden:
                continue
            title = c["title"] + (" (after restart)" if c["phase"] == "after_restart" else "")
            row = (f"<tr class={'hidden-check' if c['id'] in hidden else ''}><td>{e(title)}"
                   f"{' <i>(hidden from the candidate)</i>' if c['id'] in hidden else ''}</td>"
                   f"<td>{c['awarded']:g}/{c['points']:g}</td><td class={c['status']}>{c['status']}</td>")
            if proctor:
                ev = "".join(f"<details><summary>{e(o.get('kind', ''))}</summary><pre>{e(_fmt(o))}</pre></details>"
                             for o in c.get("evidence", []))
                row += f"<td>{e(c['message'])}{ev}</td>"
            parts.append(row + "</tr>")
        parts.append("</table>")
    return _page(f"{doc['exam']['title']}: {doc['candidate']}", "".join(parts))


def _fmt(o: dict[str, Any]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in o.items() if k != "kind")


def rollup_rows(docs: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    labs = [x["lab"]["id"] for x in docs[0]["labs"]] if docs else []
    header = ["candidate", *labs, "total %", "result", "graded at", "final"]
    rows = []
    for d in sorted(docs, key=lambda d: d["candidate"]):
        per = {x["lab"]["id"]: f"{x['percent']:g}" for x in d["labs"]}
        rows.append([d["candidate"], *[per.get(lab, "-") for lab in labs], f"{d['percent']:g}",
                     "passed" if d["passed"] else "not passed", d["finished_at"], "yes" if d.get("final") else "no"])
    return header, rows


def rollup_csv(docs: list[dict[str, Any]]) -> str:
    header, rows = rollup_rows(docs)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def rollup_html(title: str, docs: list[dict[str, Any]]) -> str:
    e = html.escape
    header, rows = rollup_rows(docs)
    passed = sum(1 for d in docs if d["passed"])
    body = [f"<h1>{e(title)}: the room</h1><p>{len(docs)} candidates graded, <b id=passed>{passed}</b> passed.</p>",
            "<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>"]
    tampered = {d["candidate"] for d in docs if d.get("tamper")}  # see the candidate's report.html
    for r in rows:
        mark = " <b class=failed>(tampering detected)</b>" if r[0] in tampered else ""
        body.append("<tr>" + "".join(f"<td>{e(x)}{mark if i == 0 else ''}</td>" for i, x in enumerate(r)) + "</tr>")
    body.append("</table>")
    from .stats import stats_html

    body.append(stats_html(docs))
    return _page(f"{title}: room", "".join(body))
