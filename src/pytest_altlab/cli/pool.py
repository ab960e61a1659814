"""`altlab pool fill|status|drain LAB`: the hot-start pool of ready, already broken instances."""

from __future__ import annotations

import argparse

from .options import add_flavour, lab_catalog
from .output import err

__all__ = ["add_pool_arguments", "cmd_pool"]


def add_pool_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["fill", "refill", "status", "drain"],
                   help="refill: top up to the size the last fill set (what a claim runs behind itself)")
    p.add_argument("lab", help="lab id (see `altlab list`)")
    p.add_argument("size", type=int, nargs="?", default=1, help="fill: how many ready instances to keep")
    p.add_argument("--seed", help="the pool's seed: claims with another seed start as usual")
    add_flavour(p)


def cmd_pool(args: argparse.Namespace) -> int:
    from ..pool import drain, fill, ready, refill

    m = lab_catalog(args).get(args.lab)
    if args.action == "fill":
        started = fill(m, max(0, args.size), flavour=args.flavour, seed=args.seed, echo=err)
        print(f"pool of {m.id}: {len(ready(m, args.flavour, args.seed))} ready ({started} started now)")
    elif args.action == "refill":
        print(f"pool of {m.id}: {refill(m, echo=err)} started")
    elif args.action == "drain":
        print(f"pool of {m.id}: {drain(m, echo=err)} instance(s) stopped")
    else:
        print(f"pool of {m.id}: {len(ready(m, args.flavour, args.seed))} ready")
    return 0
