"""`altlab new LAB --service SERVICE`: scaffold a lab folder that lints clean and passes `altlab verify` at once."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

__all__ = ["add_new_arguments", "cmd_new"]

WHERE = ("The lab is written to DIR/LAB: DIR is the first --lab-dir if given, else the first folder of "
         "ALTLAB_LABS_PATH, else ./labs if it exists, else the current folder. An existing folder is never "
         "overwritten. rabbitmq, postgres and nginx have templates of their own; any other service of "
         "compose/*.yaml gets the generic one (a settings file in the container). Repeat --service to join "
         "several templates into one lab.")


def add_new_arguments(p: argparse.ArgumentParser) -> None:
    p.description = WHERE
    p.add_argument("lab", help="the new lab's id (lowercase letters, digits, '-'), also its folder's name")
    p.add_argument("--service", action="append", default=[], required=True, metavar="SERVICE",
                   help="a shared service (compose/SERVICE.yaml) the lab uses; repeatable")


def _searched(folder: Path, lab_dirs: list[str]) -> bool:
    """Would `altlab lint LAB` find a lab in `folder` without --lab-dir?"""
    from ..catalog import lab_dirs_from_env
    from ..paths import builtin_labs_dir

    def same(a: Path, b: Path) -> bool:
        try:
            return a.resolve() == b.resolve()
        except OSError:
            return False

    return any(same(folder, d) for d in [*lab_dirs_from_env(), builtin_labs_dir()])


def cmd_new(args: argparse.Namespace) -> int:
    from ..catalog import Catalog, lab_dirs_from_env
    from ..scaffold import GENERIC, scaffold_lab, target_folder
    from .output import err

    parent = target_folder(args.lab_dir, lab_dirs_from_env(), Path.cwd())
    made = scaffold_lab(args.lab, args.service, parent)
    shown = made.path if not made.path.is_relative_to(Path.cwd()) else made.path.relative_to(Path.cwd())
    print(f"wrote lab {args.lab} in {shown}/:")
    for rel in made.files:
        print(f"  {rel}")
    for service, template in made.templates:
        if template == GENERIC:
            err(f"note: {service} has no template of its own: the generic one (a settings file in the "
                f"container) stands in; replace its task with a real one for {service}")
    try:
        other = Catalog().folder(args.lab)
    except Exception:  # noqa: BLE001 (a note only: an unknown id is the usual case, a broken catalog no reason to fail)
        other = None
    if other is not None and other.resolve() != made.path.resolve():
        err(f"note: {other} is a lab of the same id; yours is found first only where --lab-dir names its folder")
    # The next commands find the lab through --lab-dir where the catalog would not search its folder.
    flag = "" if not args.lab_dir and _searched(parent, args.lab_dir) else f" --lab-dir {shlex.quote(str(parent))}"
    lab = shlex.quote(args.lab)
    print("next:")
    print(f"  altlab lint {lab}{flag}      # the files alone, no Docker")
    print(f"  altlab verify {lab}{flag}    # the self-test: broken 0, solution full, restart, variants")
    print(f"  altlab start {lab}{flag}     # try it as a candidate: shell, fix, grade")
    return 0
