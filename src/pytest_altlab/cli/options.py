"""Options shared by several commands, and turning them into library objects (catalog, runner, ports)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AltlabError
from ..manifest import FLAVOURS

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..lab import LabRunner

__all__ = ["add_candidates", "add_flavour", "add_instance", "add_json", "add_timeout", "lab_catalog",
           "lab_dir_args", "lab_runner", "parse_ports"]


def add_instance(p: argparse.ArgumentParser) -> None:
    p.add_argument("lab", help="lab id (see `altlab list`)")
    p.add_argument("--instance", default="default", help="run several copies of a lab side by side")


def add_flavour(p: argparse.ArgumentParser) -> None:
    p.add_argument("--flavour", default=os.environ.get("ALTLAB_FLAVOUR", "debian"), choices=list(FLAVOURS))


def add_timeout(p: argparse.ArgumentParser, default: float = 180,
                help: str = "seconds to wait for healthy services") -> None:
    p.add_argument("--timeout", type=float, default=default, help=help)


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

    return LabRunner(lab_catalog(args).get(args.lab), args.instance, echo=echo or err)


def lab_dir_args(args: argparse.Namespace) -> list[str]:
    return [a for d in args.lab_dir for a in ("--lab-dir", d)]


def parse_ports(values: list[str]) -> dict[tuple[str, int], int]:
    out = {}
    for v in values:
        try:
            svc, rest = v.split(":", 1)
            cport, hport = rest.split("=", 1)
            out[(svc, int(cport))] = int(hport)
        except ValueError:
            raise AltlabError(f"--port '{v}' is not valid", hint="use SERVICE:CONTAINER_PORT=HOST_PORT, "
                              "e.g. rabbitmq:15672=15672") from None
    return out
