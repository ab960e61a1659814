"""Commands for lab authors: verify (the self-test) and images."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AltlabError
from .options import lab_catalog
from .output import err

if TYPE_CHECKING:
    from ..manifest import LabManifest


def cmd_verify(args: argparse.Namespace) -> int:
    import time

    from ..store import Store
    from ..verify import print_phases, verify_lab
    from .output import console

    cat = lab_catalog(args)
    labs = cat.all() if args.all else [cat.get(x) for x in dict.fromkeys(args.lab)]
    if not labs:
        raise AltlabError("name a lab or use --all")
    if args.runs < 1 or args.jobs < 1 or (args.variant and len(labs) != 1):
        raise AltlabError("--runs and --jobs take a number >= 1; --variant takes one lab",
                          hint="e.g. verify LAB --runs 3, or verify --all --jobs 3")
    if args.all:  # a lab that does not run on this flavour is left out, saying so (never a false failure)
        for m in [m for m in labs if args.flavour not in m.flavours]:
            err(f"verify {m.id}: skipped: it runs on the {', '.join(m.flavours)} flavour only")
        labs = [m for m in labs if args.flavour in m.flavours]
    walls: dict[str, tuple[bool, float]] = {}

    def one(m: LabManifest) -> bool:
        t0 = time.monotonic()
        gradings: dict[str, list[dict]] = {}
        phases = verify_lab(m, flavour=args.flavour, variants=not args.quick, echo=err,
                            lab_dirs=[Path(d) for d in args.lab_dir], runs=args.runs, only_variant=args.variant,
                            gradings=gradings)
        lab_ok = all(p.ok for p in phases)
        if args.runs > 1 and gradings:
            from ..flakes import analyse, flake_table

            console().print(flake_table(analyse(gradings)))
        print_phases(m.id, phases)
        if not args.variant:  # one variant is not a self-test of the lab
            Store().add_verify_run(m.id, args.flavour, lab_ok, sum(p.seconds for p in phases))
        walls[m.id] = (lab_ok, time.monotonic() - t0)
        return lab_ok

    if args.jobs > 1 and len(labs) > 1:
        ok = _side_by_side(args, labs, walls)
    else:
        ok = all([one(m) for m in labs])
    if len(labs) > 1:
        print("per-lab wall time:")
        for lab_id, (lab_ok, secs) in sorted(walls.items(), key=lambda kv: -kv[1][1]):
            print(f"  {lab_id:32} {secs:7.1f} s  {'verified' if lab_ok else 'NOT verified'}")
    return 0 if ok else 1


def _side_by_side(args: argparse.Namespace, labs: list[LabManifest], walls: dict[str, tuple[bool, float]]) -> bool:
    """`--jobs N`: each lab's self-test in a process of its own, N at a time. A grading runs pytest in-process,
    and pytest is not thread-safe (sys.modules, captured stdout); each verify instance is its own compose project,
    so the labs never meet on the engine. A lab's output is printed whole when it ends: no interleaved lines."""
    import subprocess
    import sys
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from ..store import Store
    from .options import lab_dir_args

    printing = threading.Lock()
    extra = (["--quick"] if args.quick else []) + ["--runs", str(args.runs), "--flavour", args.flavour]

    def one(m: LabManifest) -> bool:
        t0 = time.monotonic()
        cp = subprocess.run([sys.executable, "-m", "pytest_altlab.cli", *lab_dir_args(args), "verify", m.id, *extra],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace")
        walls[m.id] = (cp.returncode == 0, time.monotonic() - t0)
        with printing:
            sys.stderr.write(cp.stderr)
            sys.stdout.write(cp.stdout)
            sys.stdout.flush()
        return cp.returncode == 0

    # The slowest labs first (by their last self-test here; a lab never verified here by its variant count, each
    # a start and a grading): the run ends when its longest lab does.
    store = Store()
    last = {m.id: store.last_verify(m.id).get(args.flavour, (False, "", 0.0))[2] or 30.0 * (2 + len(m.variants))
            for m in labs}
    order = sorted(labs, key=lambda m: -last[m.id])
    with ThreadPoolExecutor(max_workers=min(args.jobs, len(labs))) as pool:
        return all(list(pool.map(one, order)))


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


def cmd_lint(args: argparse.Namespace) -> int:
    from ..catalog import Catalog
    from ..exams.manifest import exam_ids
    from ..lint import Finding, lint_compose_file, lint_exam, lint_lab
    from ..paths import compose_dir

    cat = Catalog([Path(d) for d in args.lab_dir])
    if not (args.lab or args.all or args.exam):
        raise AltlabError("name a lab, --exam EXAM, or --all")
    findings: list[Finding] = []
    labs = 0
    if args.all:
        for f in sorted(compose_dir().glob("*.yaml")):
            findings += lint_compose_file(f)
        for lab_id in cat.ids():
            findings += lint_lab(cat.folder(lab_id))
            labs += 1
    elif args.lab:
        p = Path(args.lab)
        findings += lint_lab(p if (p / "lab.yaml").is_file() else cat.folder(args.lab))
        labs += 1
    exams = (exam_ids() if args.all else []) + args.exam
    for ref in exams:
        findings += lint_exam(ref, cat)
    findings = list(dict.fromkeys(findings))  # a shared compose file used by several labs: each finding once
    errors = sum(f.severity == "error" for f in findings)
    if args.json:
        print(json.dumps([asdict(f) for f in findings], indent=2))
        return 1 if errors else 0
    for finding in findings:
        print(finding)
    what = f"{labs} lab{'s' if labs != 1 else ''}" + (f", {len(set(exams))} exam(s)" if exams else "")
    print(f"lint: {errors} error(s), {len(findings) - errors} warning(s) in {what}")
    return 1 if errors else 0
