"""Options shared by several commands, and turning them into library objects (catalog, runner, ports)."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AltlabError
from ..manifest import FLAVOURS

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..lab import LabRunner

__all__ = ["finite", "add_candidates", "add_flavour", "add_instance", "add_json", "add_timeout", "lab_catalog",
           "lab_dir_args", "lab_dir_flag", "lab_runner", "parse_ports"]


def add_instance(p: argparse.ArgumentParser) -> None:
    p.add_argument("lab", help="lab id (see `altlab list`)")
    p.add_argument("--instance", default=None,
                   help="run several copies of a lab side by side (default: the one `altlab use` chose, else default)")


def add_flavour(p: argparse.ArgumentParser) -> None:
    p.add_argument("--flavour", default=os.environ.get("ALTLAB_FLAVOUR", "debian"), choices=list(FLAVOURS))


def finite(text: str) -> float:
    """A number of seconds or minutes: finite and above 0 (`nan`, `inf`, 0 and negatives are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite number above 0")
    return value


def add_timeout(p: argparse.ArgumentParser, default: float = 180,
                help: str = "seconds to wait for healthy services") -> None:
    p.add_argument("--timeout", type=finite, default=default, help=help)


def add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")


def add_candidates(p: argparse.ArgumentParser, all_flag: bool = True) -> None:
    p.add_argument("--candidates", action="append", default=[], help="comma-separated candidate ids")
    if all_flag:
        p.add_argument("--all", action="store_true", help="every candidate of the exam")


def lab_catalog(args: argparse.Namespace) -> Catalog:
    from ..catalog import Catalog

    return Catalog([Path(d) for d in args.lab_dir])


def lab_runner(args: argparse.Namespace, echo: Callable[[str], None] | None = None) -> LabRunner:
    from ..lab import LabRunner
    from .output import err

    if args.instance is None:  # resolved once, so that error messages name the instance that was meant
        from .instances import remembered

        args.instance = remembered(args.lab) or "default"
    return LabRunner(lab_catalog(args).get(args.lab), args.instance, echo=echo or err)


def lab_dir_args(args: argparse.Namespace) -> list[str]:
    return [a for d in args.lab_dir for a in ("--lab-dir", d)]


def lab_dir_flag(lab_path: Path) -> str:
    """`--lab-dir DIR` for a suggested command, where the catalog without --lab-dir would not find this very lab
    (a lab of your own folder, or one that a shipped lab of the same id would hide); else ""."""
    import shlex

    from ..catalog import Catalog

    try:
        if Catalog().folder(lab_path.name).resolve() == lab_path.resolve():
            return ""
    except AltlabError:
        pass
    return f"--lab-dir {shlex.quote(str(lab_path.parent))}"


def parse_ports(values: list[str], services: list[str] | None = None) -> dict[tuple[str, int], int]:
    """--port SERVICE:CONTAINER_PORT=HOST_PORT values; the service must be one of the lab's."""
    out = {}
    for v in values:
        try:
            svc, rest = v.split(":", 1)
            cport, hport = (int(x) for x in rest.split("=", 1))
        except ValueError:
            raise AltlabError(f"--port '{v}' is not valid", hint="use SERVICE:CONTAINER_PORT=HOST_PORT, "
                              "e.g. rabbitmq:15672=15672") from None
        if not (1 <= cport <= 65535 and 1 <= hport <= 65535):
            raise AltlabError(f"--port '{v}': ports are numbers from 1 to 65535")
        if services is not None and svc not in services:
            raise AltlabError(f"--port '{v}': the lab has no service '{svc}'", hint="services: " + ", ".join(services))
        out[(svc, cport)] = hport
    return out
