"""`altlab list` (one line per lab, like `pip list`) and `altlab show LAB` (everything else about one lab)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ManifestError
from .options import lab_catalog
from .output import console, err

if TYPE_CHECKING:
    from ..manifest import LabManifest
    from ..store import Store

__all__ = ["add_list_arguments", "add_show_arguments", "cmd_list", "cmd_show", "columns", "lab_points", "state_here"]


def add_list_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--skill", action="append", default=[], help="only labs with this skill (repeatable)")
    p.add_argument("--wide", action="store_true", help="also the title, services and flavours")
    p.add_argument("--images", action="store_true", help="also the image of each service per flavour")


def add_show_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("lab", help="lab id")


def lab_points(m: LabManifest) -> float:
    """The points of a lab's checks, read from their @pytest.mark.points(n) without importing them."""
    import ast

    total = 0.0
    for f in sorted(m.checks_dir.glob("test_*.py")):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "points" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, (int, float)):
                    total += arg.value
    return total


def state_here(m: LabManifest, store: Store, flavour: str) -> str:
    """verified here / FAILED here (the latest self-test on this host) / skipped here / never verified."""
    if flavour not in m.flavours:
        return f"skipped: {'/'.join(m.flavours)} only"
    runs = store.last_verify(m.id)
    if flavour in runs:
        ok, at, _ = runs[flavour]
        return f"{'verified' if ok else 'FAILED'} here {at[:10]}"
    return "never verified"


def cmd_list(args: argparse.Namespace) -> int:

    from ..store import Store

    labs, broken = lab_catalog(args).load_all()
    for e in broken:
        err(f"altlab: skipping an invalid lab: {e}")
    wanted = {s.lower() for s in args.skill}
    labs = [m for m in labs if not wanted or wanted & {s.lower() for s in m.skills}]
    if args.json:
        print(json.dumps([{"id": m.id, "title": m.title, "services": [s.name for s in m.services],
                           "minutes": m.time_limit, "flavours": list(m.flavours), "points": lab_points(m),
                           "skills": list(m.skills), "notes": dict(m.flavour_notes)} for m in labs], indent=2))
        return 0
    store = Store()
    flavour = os.environ.get("ALTLAB_FLAVOUR", "debian")
    rows = [[m.id, ",".join(m.skills), str(m.time_limit), f"{lab_points(m):g}", state_here(m, store, flavour)]
            + ([m.title, ", ".join(s.name for s in m.services), ", ".join(m.flavours)] if args.wide else [])
            for m in labs]
    for e in broken:  # listed, with the reason, so a broken lab is seen (and hides no other)
        folder = Path(e.file).parent.name if isinstance(e, ManifestError) else "?"
        rows.append([folder, "", "", "", "BROKEN: " + e.message.rsplit(": field ", 1)[-1][:300]]
                    + (["", "", ""] if args.wide else []))
    header = ["id", "skills", "min", "points", "state here"] + (["title", "services", "flavours"] if args.wide else [])
    con = console()
    for line in columns(header, rows, None if args.wide else con.width, squeeze=(1, 4, 0)):
        print(line.rstrip())
    if not args.wide:
        import textwrap

        print(textwrap.fill(f"{len(labs)} labs; --wide: titles, services, flavours; `altlab show LAB`: one lab",
                            max(20, con.width)))
    if args.images:
        _print_images(labs)
    return 0


def columns(header: list[str], rows: list[list[str]], width: int | None, squeeze: tuple[int, ...]) -> list[str]:
    """Left-aligned columns two spaces apart, like `docker ps`; over `width`, the `squeeze` columns are cut
    (in that order, down to 6 characters each, with an ellipsis) so that no line is wider."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    if width is not None:
        for i in squeeze:
            over = sum(widths) + 2 * (len(widths) - 1) - width
            if over <= 0:
                break
            widths[i] = max(6, widths[i] - over)

    def cut(text: str, w: int) -> str:
        return text if len(text) <= w else text[:w - 1] + "\u2026"

    return ["  ".join(cut(c, w).ljust(w) for c, w in zip(r, widths, strict=True)) for r in [header, *rows]]


def _print_images(labs: list[LabManifest]) -> None:
    from ..composefile import load_service_file

    for m in labs:
        for s in m.services:
            sf = load_service_file(s.use, m.path)
            print(f"{m.id}/{s.name}: " + ", ".join(f"{f}={img}" for f, img in sf.images.items()))


def cmd_show(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from ..store import Store

    m = lab_catalog(args).get(args.lab)
    store = Store()
    con = console()
    con.print(f"[bold]{escape(m.id)}[/]: {escape(m.title)}")
    if m.summary:
        con.print(escape(m.summary))
    rows = [("skills", ", ".join(m.skills)), ("time limit", f"{m.time_limit} min"),
            ("points", f"{lab_points(m):g} (pass mark {m.pass_mark:g}%)"),
            ("services", ", ".join(s.name for s in m.services)),
            ("flavours", ", ".join(m.flavours)), ("hints", f"{len(m.hints)}")]
    for f in m.flavours:
        if m.note_for(f):
            rows.append((f"note ({f})", str(m.note_for(f))))
    runs = store.last_verify(m.id)
    for f, (ok, at, secs) in sorted(runs.items()):
        rows.append((f"self-test ({f})", f"{'ok' if ok else 'FAILED'} {at[:16]} ({secs:.0f}s)"))
    if not runs:
        rows.append(("self-test", "never verified here: `altlab verify " + m.id + "`"))
    for k, v in rows:
        con.print(f"  {k + ':':<18}{escape(v)}")
    from .options import lab_dir_flag
    from .output import command_lines

    flag = lab_dir_flag(m.path)
    for line in command_lines("start it: ", [f"altlab start {m.id}", *([flag] if flag else [])], con.width):
        con.print(escape(line))
    return 0
