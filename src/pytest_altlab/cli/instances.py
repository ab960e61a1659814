"""Which instance a lab command means: the one `altlab use` remembered, and the others that are running."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import AltlabError, LabNotRunning

__all__ = ["add_use_arguments", "cmd_use", "explain_not_running", "remembered", "running_instances"]


def _file() -> Path:
    from ..paths import state_home

    return state_home() / "current-instances.json"


def remembered(lab: str) -> str | None:
    """The instance `altlab use LAB --instance X` last chose for LAB, if any."""
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get(lab) if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


def remember(lab: str, instance: str) -> None:
    path = _file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data = data if isinstance(data, dict) else {}
    if instance == "default":
        data.pop(lab, None)
    else:
        data[lab] = instance
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def running_instances(lab: str) -> list[str]:
    """Instances of LAB in this state folder with a running container (one engine call)."""
    from ..backends import get_engine
    from ..instance import InstanceState
    from ..paths import state_home

    running = get_engine().running_projects()
    out = []
    for f in sorted((state_home() / "instances").glob("*/state.json")):
        st = InstanceState.load(f.parent.name)
        if st is not None and st.lab_id == lab and st.project in running:
            out.append(st.instance)
    return out


def explain_not_running(e: LabNotRunning, lab: str, instance: str) -> AltlabError:
    """The same error, naming the instances of the lab that do run (a missing --instance is the usual cause)."""
    others = [i for i in running_instances(lab) if i != instance]
    if not others:
        return e
    flag = " or ".join(f"--instance {i}" for i in others[:4])
    # The error's own hint stays (a stopped instance's `--fresh`); the running ones come after it.
    return AltlabError(e.message, hint=(f"{e.hint}; " if e.hint else "") + f"running instead: {', '.join(others)}; "
                       f"add {flag}, or remember one with `altlab use {lab} --instance {others[0]}`")


def add_use_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("lab", help="lab id")
    p.add_argument("--instance", default="default",
                   help="the instance later commands on LAB use when they get no --instance (default: forget)")


def cmd_use(args: argparse.Namespace) -> int:
    from .options import lab_catalog

    lab_catalog(args).get(args.lab)  # a clear error for an unknown lab
    if args.instance != "default" and args.instance not in running_instances(args.lab):
        raise AltlabError(f"instance '{args.instance}' of lab '{args.lab}' is not running",
                          hint=f"start it: altlab start {args.lab} --instance {args.instance}")
    remember(args.lab, args.instance)
    print(f"{args.lab}: commands without --instance now use instance '{args.instance}'")
    return 0
