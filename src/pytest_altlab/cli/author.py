"""Commands for lab authors: verify (the self-test) and images."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import AltlabError
from .options import lab_catalog
from .output import err


def cmd_verify(args: argparse.Namespace) -> int:
    from ..verify import print_phases, verify_lab

    cat = lab_catalog(args)
    labs = cat.all() if args.all else [cat.get(args.lab)] if args.lab else []
    if not labs:
        raise AltlabError("name a lab or use --all")
    from ..store import Store

    ok = True
    for m in labs:
        phases = verify_lab(m, flavour=args.flavour, variants=not args.quick, echo=err,
                            lab_dirs=[Path(d) for d in args.lab_dir])
        print_phases(m.id, phases)
        lab_ok = all(p.ok for p in phases)
        Store().add_verify_run(m.id, args.flavour, lab_ok, sum(p.seconds for p in phases))
        ok = ok and lab_ok
    return 0 if ok else 1


def cmd_images(args: argparse.Namespace) -> int:
    from ..composefile import load_service_file
    from ..images import build_base, build_service
    from ..paths import compose_dir

    names = args.services or sorted(p.stem for p in compose_dir().glob("*.yaml"))
    for name in names:
        sf = load_service_file(name)
        if "debian" in sf.images:
            print(build_service(sf, echo=err, force=args.force))
        else:
            err(f"{name}: no debian flavour (upstream image {sf.images.get('upstream')}); skipped")
    if args.base:
        for suite in args.base:
            print(build_base(suite, echo=err, force=args.force))
    return 0
