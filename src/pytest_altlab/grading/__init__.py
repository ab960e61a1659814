"""Grade a running lab instance through pytest in-process; the same path `pytest --lab` takes."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["grade"]


def grade(lab_id: str, *, rootdir: Path | None = None, instance: str = "default", persistence: bool = False,
          report: Path | None = None, record: bool = True,
          lab_dirs: list[Path] | None = None, quiet: bool = False, extra_args: list[str] | None = None,
          resident: bool = False) -> tuple[int, dict[str, Any], str]:
    """Run the lab's checks; returns (pytest exit code, report dict, captured terminal output if quiet).
    resident: in a child of the fork server (forkserver.py) when one can be had, else here."""
    with tempfile.TemporaryDirectory(prefix="altlab-grade-") as tmp:
        path = report or Path(tmp) / "report.json"
        args = ["--lab", lab_id, "--lab-instance", instance, "--lab-report", str(path),
                "-p", "no:cacheprovider", "--no-header", "-q", "-o", "addopts=", "--rootdir", str(rootdir or tmp)]
        for d in lab_dirs or []:
            args += ["--lab-dir", str(d)]
        if persistence:
            args.append("--lab-persistence")
        if not record:
            args.append("--lab-no-progress")
        args += extra_args or []
        if resident:
            from .forkclient import ForkServerError, run_pytest, verbose

            try:
                code, out = run_pytest(args, cwd=Path.cwd(), capture=quiet)
                return code, (json.loads(path.read_text()) if path.exists() else {}), out
            except ForkServerError as e:
                if verbose():
                    print(f"altlab: grading without the fork server: {e}", file=sys.stderr)
        import pytest

        buf = io.StringIO()
        redirect = contextlib.redirect_stdout(buf) if quiet else contextlib.nullcontext()
        with redirect:
            code = int(pytest.main(args))
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except (OSError, ValueError):
            data = {}
        if data and code not in (0, 1) and not data.get("error"):
            # pytest stopped early (internal error, interrupt): the report must not look like a clean grading.
            data["error"] = f"the grading stopped early (pytest exit code {code})"
            path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return code, data, buf.getvalue()
