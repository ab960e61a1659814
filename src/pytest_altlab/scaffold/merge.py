"""Several rendered templates -> one lab: steps numbered on, files named by service, variants that solve the rest.

Each template is a complete lab of its own. Joined, every part keeps its task steps (renumbered, with the
`covers` marks of its checks following), its break and solution steps (in the order the services were
given), its hints and its variants. A variant first runs the other parts' reference solutions, so an
alternative still scores full marks and a near-miss loses only the checks it names.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..errors import AltlabError

__all__ = ["merge"]

Files = dict[str, str]
_STEP = re.compile(r"(?m)^(\d+)\. ")
_COVERS = re.compile(r"@pytest\.mark\.covers\(([^)]*)\)")
_CHECK = re.compile(r"(?m)^def (test_\w+)")
_OWN = {"lab.yaml", "TASK.md", "SOLUTION.md"}


def _renamed(service: str, rel: str) -> str:
    """break.sh -> break-rabbitmq.sh, variants/x.sh -> variants/rabbitmq-x.sh; checks keep their (per-service) names."""
    if rel in _OWN or rel.startswith("checks/"):
        return rel
    head, _, name = rel.rpartition("/")
    stem, dot, ext = name.partition(".")
    new = f"{service}-{name}" if head else f"{stem}-{service}{dot}{ext}"
    return f"{head}/{new}" if head else new


def _steps(raw: Any, names: dict[str, str]) -> list[dict[str, Any]]:
    items = raw if isinstance(raw, list) else [raw] if raw else []
    out = []
    for item in items:
        step = {"run": item} if isinstance(item, str) else dict(item)
        step["run"] = names.get(step["run"], step["run"])
        out.append(step)
    return out


def _body(text: str) -> tuple[str, str]:
    """(heading text, the rest) of a Markdown file that starts with `# heading`."""
    first, _, rest = text.partition("\n")
    return first.lstrip("# ").strip(), rest.strip("\n")


def _shift(text: str, pattern: re.Pattern[str], offset: int) -> str:
    if pattern is _STEP:
        return pattern.sub(lambda m: f"{int(m.group(1)) + offset}. ", text)
    return pattern.sub(lambda m: "@pytest.mark.covers(" + ", ".join(
        str(int(n) + offset) for n in m.group(1).split(",") if n.strip()) + ")", text)


def _union(into: dict[str, Any], more: dict[str, Any], what: str, service: str) -> None:
    for key, value in more.items():
        if key in into:
            raise AltlabError(f"the templates of the services given both declare {what} '{key}' ({service})",
                              hint="scaffold one of these services alone and add the other by hand")
        into[key] = value


class _Dumper(yaml.SafeDumper):
    """Plain YAML for a person to read: no anchors (&id001), short lists of scalars on one line."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(x, (str, int, float)) for x in data) or all(
        isinstance(x, dict) and all(isinstance(v, str) for v in x.values()) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow and len(str(data)) < 100)


_Dumper.add_representer(list, _list)


def _title(docs: list[tuple[str, dict[str, Any], Files]]) -> str:
    """'rabbitmq, postgres: a vhost of its own ...; a read-only reporting role' from the parts' titles."""
    return ", ".join(s for s, _, _ in docs) + ": " + "; ".join(d["title"].split(": ", 1)[-1] for _, d, _ in docs)


def merge(lab_id: str, parts: list[tuple[str, Files]]) -> Files:
    from ..manifest import FLAVOURS

    docs = [(s, yaml.safe_load(files["lab.yaml"]), files) for s, files in parts]
    names = {s: {rel: _renamed(s, rel) for rel in files} for s, files in parts}
    solutions = {s: _steps(d.get("solution"), names[s]) for s, d, _ in docs}
    out: Files = {}
    lab: dict[str, Any] = {
        "schema": 1, "id": lab_id, "title": _title(docs), "version": 1,
        "summary": " ".join(d.get("summary", "") for _, d, _ in docs).strip(),
        "skills": list(dict.fromkeys(k for _, d, _ in docs for k in d.get("skills", []))),
        "time_limit": sum(int(d.get("time_limit", 15)) for _, d, _ in docs),
        "pass_mark": docs[0][1].get("pass_mark", 70),
        "flavours": [f for f in FLAVOURS if all(f in d.get("flavours", FLAVOURS) for _, d, _ in docs)],
        "flavour_notes": {}, "services": {}, "parameters": {}, "break": [], "solution": [], "restart": [],
        "hints": [], "variants": [],
    }
    if not lab["flavours"]:
        raise AltlabError("the services given share no image flavour (" + ", ".join(
            f"{s}: {', '.join(d.get('flavours', []))}" for s, d, _ in docs) + ")", hint="scaffold them as two labs")
    steps_before, checks_seen = 0, set[str]()
    task, solution = [f"# {lab['title']}", ""], [f"# {lab_id}: walk-through", ""]
    for s, d, files in docs:
        for key, value in (d.get("flavour_notes") or {}).items():
            lab["flavour_notes"][key] = "; ".join(filter(None, [lab["flavour_notes"].get(key), value]))
        _union(lab["services"], d.get("services") or {}, "the service", s)
        _union(lab["parameters"], d.get("parameters") or {}, "the parameter", s)
        lab["break"] += _steps(d.get("break"), names[s])
        lab["solution"] += solutions[s]
        lab["restart"] += [r for r in d.get("restart", list(d["services"])) if r not in lab["restart"]]
        lab["hints"] += d.get("hints") or []
        others = [step for o, steps in solutions.items() if o != s for step in steps]
        for v in d.get("variants") or []:
            lab["variants"].append({**v, "id": f"{s}-{v['id']}", "run": others + _steps(v["run"], names[s])})
        heading, body = _body(files["TASK.md"])
        task += [f"## {heading}", "", _shift(body, _STEP, steps_before), ""]
        if "SOLUTION.md" in files:
            solution += [f"## {s}", "", _shift(_body(files["SOLUTION.md"])[1], _STEP, steps_before), ""]
        for rel, text in files.items():
            if rel.startswith("checks/") and rel.endswith(".py"):
                clash = checks_seen & set(_CHECK.findall(text))
                if clash or rel in out:
                    raise AltlabError(f"the templates of the services given both define {rel} / {sorted(clash)}",
                                      hint="scaffold one of these services alone and add the other by hand")
                checks_seen |= set(_CHECK.findall(text))
                out[rel] = _shift(text, _COVERS, steps_before)
            elif rel not in _OWN:
                out[names[s][rel]] = text
        steps_before += len(_STEP.findall(body))
    if not lab["flavour_notes"]:
        del lab["flavour_notes"]
    header = (f"# Scaffolded by `altlab new {lab_id} " + " ".join(f"--service {s}" for s, _ in parts)
              + "`: one part per service, each as its own template would be (see there for comments).\n"
              "# A variant first runs the other parts' reference solutions, then its own steps.\n")
    out["lab.yaml"] = header + yaml.dump(lab, Dumper=_Dumper, sort_keys=False, width=110,
                                       allow_unicode=True)
    out["TASK.md"] = "\n".join(task).rstrip() + "\n"
    out["SOLUTION.md"] = "\n".join(solution).rstrip() + "\n"
    return out
