"""A lab's steps and texts: run a break/solution/variant step, render TASK.md, probe server versions."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

from ..composefile import load_service_file
from ..context import LabContext
from ..errors import AltlabError, ManifestError, StepFailed
from ..manifest import LabManifest, Step

__all__ = ["PLACEHOLDER", "call_lab_file", "probe_versions", "render_task", "run_step"]

PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


def render_task(manifest: LabManifest, params: dict[str, str], flavour: str,
                extra: dict[str, str] | None = None) -> str:
    """TASK.md with {{ name }} filled from the parameters (and `workspace`, the candidate's folder)."""
    text = manifest.task_file.read_text(encoding="utf-8")
    params = {**(extra or {}), **params}

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in params:
            raise ManifestError(str(manifest.task_file), "{{ " + name + " }}", name,
                                "a parameter declared in lab.yaml: " + ", ".join(sorted(params)))
        return params[name]

    out = PLACEHOLDER.sub(sub, text)
    note = manifest.note_for(flavour)
    if note:
        out += f"\n\n> **Note ({flavour} flavour):** {note}\n"
    return out


def call_lab_file(path: Path, function: str, ctx: LabContext, label: str) -> Any:
    """Import a lab's host-side .py file afresh and call `function(lab)`: a missing function or any exception in
    it becomes StepFailed naming the file (the lab author's mistake, said as such)."""
    spec = importlib.util.spec_from_file_location(f"altlab_{path.parent.name}_{path.stem}_{id(path)}", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    try:
        spec.loader.exec_module(mod)
        fn = getattr(mod, function, None)
        if fn is None:
            raise StepFailed(label, f"{path} defines no `{function}(lab)` function")
        return fn(ctx)
    except AltlabError:
        raise
    except Exception as e:  # a broken step is the lab author's problem: say which and why
        raise StepFailed(label, f"{type(e).__name__}: {e}") from e
    finally:
        sys.modules.pop(spec.name, None)


def run_step(ctx: LabContext, step: Step, what: str) -> None:
    """A .sh step runs inside its service container with the parameters as env; a .py step on the host."""
    label = f"{what} {step.run.name}"
    if step.on_host:
        call_lab_file(step.run, "apply", ctx, label)
        ctx.invalidate()
        return
    assert step.service is not None
    script = step.run.read_text(encoding="utf-8")
    shell = "bash" if script.startswith("#!") and "bash" in script.splitlines()[0] else "sh"
    env = {**ctx.params.env(), "ALTLAB_LAB": ctx.id, "ALTLAB_FLAVOUR": ctx.flavour}
    res = ctx.exec(step.service, [shell, "-s"], user=step.user, env=env, input=script, timeout=600)
    if not res.ok:
        out = (res.stdout + res.stderr).strip().splitlines()[-20:]
        raise StepFailed(label, f"exit {res.returncode} in service '{step.service}':\n" + "\n".join(out))
    ctx.invalidate()


def probe_versions(ctx: LabContext) -> dict[str, str]:
    """Server versions as the services report them (each service file names its version command)."""
    out = {}
    for spec in ctx.manifest.services:
        cmd = load_service_file(spec.use, ctx.manifest.path).version_command(ctx.flavour)
        if cmd:
            res = ctx.exec(spec.name, list(cmd), timeout=60)
            if res.ok and res.stdout.strip():
                out[spec.name] = res.stdout.strip().splitlines()[-1]
    return out
