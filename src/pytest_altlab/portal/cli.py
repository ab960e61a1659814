"""`altlab portal`: serve the candidate portal; hand out login links for candidates, learners and the proctor."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["add_portal_arguments", "cmd_portal", "add_exam_start_arguments", "print_exam_links"]

DEFAULT_PORT = 8765


def add_portal_arguments(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--exam", help="serve this exam's candidates (started with `altlab exam start`)")
    sp.add_argument("--drills", action="store_true", help="a practice server: learners pick labs themselves")
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sp.add_argument("--port", type=int, default=DEFAULT_PORT)
    sp.add_argument("--tls-cert", help="PEM certificate: serve HTTPS (and Secure cookies)")
    sp.add_argument("--tls-key", help="PEM private key of --tls-cert")
    sp.add_argument("--url", help="the address candidates use, for printed links (default from host/port)")
    sp.add_argument("--quota", type=int, default=2, help="drills: labs a learner may run at once")
    sp.add_argument("--idle-minutes", type=float, default=60, help="drills: stop labs idle this long")
    sp.add_argument("--pool", action="append", default=[], metavar="LAB[=N]",
                    help="drills: keep N (default 1) started, broken instances of LAB ready, so that a learner's "
                         "start and reset of it take a fraction of a second (repeatable; see `altlab pool`)")
    from .ssh import add_ssh_arguments

    add_ssh_arguments(sp)
    psub = sp.add_subparsers(dest="portal_command")
    ln = psub.add_parser("link", help="a new one-time login link for a candidate (or --proctor)")
    ln.add_argument("candidate", nargs="?")
    ln.add_argument("--proctor", action="store_true")
    lr = psub.add_parser("learner", help="practice-server learners")
    lsub = lr.add_subparsers(dest="learner_command", required=True)
    la = lsub.add_parser("add", help="a learner and their one-time login link")
    la.add_argument("name")
    sp.set_defaults(fn=cmd_portal)


def _base_url(args: argparse.Namespace) -> str:
    if args.url:
        return str(args.url).rstrip("/")
    scheme = "https" if args.tls_cert else "http"
    return f"{scheme}://{args.host}:{args.port}"


def _engine(args: argparse.Namespace) -> Engine:
    from .engine import AltlabError, Engine

    if bool(args.exam) == bool(args.drills):
        raise AltlabError("name the exam or ask for drills",
                          hint="altlab portal --exam EXAM  or  altlab portal --drills")
    return Engine(args.exam, list(getattr(args, "lab_dir", []) or []))


def cmd_portal(args: argparse.Namespace) -> int:
    from .auth import issue_token, write_tokens_csv
    from .engine import CANDIDATE_RE, AltlabError, Engine

    if getattr(args, "portal_command", None) == "learner":
        args.drills, args.exam = True, None
        name = args.name
        if not CANDIDATE_RE.match(name):
            raise AltlabError(f"learner name '{name}' is not valid", hint="lowercase letters, digits, '-', '_'")
        eng = Engine(None, list(args.lab_dir or []))
        link = f"{_base_url(args)}/login?t={issue_token(eng, name, 'learner')}"
        write_tokens_csv(_ensure(eng.folder), [(name, link.rsplit("=", 1)[1], link)])
        print(f"{name}: {link}")
        return 0
    eng = _engine(args)
    if getattr(args, "portal_command", None) == "link":
        if args.proctor:
            print(f"proctor console: {_base_url(args)}/login?t={issue_token(eng, 'proctor', 'proctor')}")
            return 0
        if not args.candidate or args.candidate not in eng.candidates():
            raise AltlabError(f"no candidate '{args.candidate}' in exam '{args.exam}'", hint="altlab exam status EXAM")
        token = issue_token(eng, args.candidate, "candidate")
        link = f"{_base_url(args)}/login?t={token}"
        write_tokens_csv(eng.folder, [(args.candidate, token, link)])
        print(f"{args.candidate}: {link}")
        return 0
    if bool(args.tls_cert) != bool(args.tls_key):
        raise AltlabError("--tls-cert and --tls-key go together", hint="both PEM files, or neither for plain HTTP")
    if eng.run:
        eng.run.require()
    pools = _pool_sizes(args.pool, eng)
    if pools:
        eng.fill_pools(pools)
    return serve(eng, args)


def _pool_sizes(values: list[str], eng: Engine) -> dict[str, int]:
    """--pool LAB[=N] values -> {lab: N}; a lab the catalog lacks or a bad N is one error line."""
    from .engine import AltlabError

    if values and eng.mode == "exam":
        raise AltlabError("--pool is for the practice server (--drills)",
                          hint="an exam's environments are started by `altlab exam start`")
    out = {}
    for v in values:
        lab, sep, n = v.partition("=")
        if sep and not (n.isdigit() and 1 <= int(n) <= 20):
            raise AltlabError(f"--pool '{v}': N must be a whole number from 1 to 20", hint="e.g. --pool probe=2")
        eng.catalog.get(lab)  # an unknown lab: the catalog's own error, with "did you mean"
        out[lab] = int(n) if sep else 1
    return out


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def serve(eng: Engine, args: argparse.Namespace) -> int:
    import uvicorn

    from .app import Portal, create_app
    from .auth import issue_token

    portal = Portal(eng, tls=bool(args.tls_cert), quota=args.quota, idle_minutes=args.idle_minutes)
    app = create_app(portal)
    base = _base_url(args)
    if eng.mode == "exam":
        print(f"proctor console: {base}/login?t={issue_token(eng, 'proctor', 'proctor')}", flush=True)
        print(f"candidates' links: {eng.folder / 'tokens.csv'} (new ones: altlab portal --exam {args.exam} link "
              "CANDIDATE)", flush=True)
    else:
        print(f"practice server: add learners with `altlab portal learner add NAME`; serving {base}", flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.tls_cert:
        print("warning: plain HTTP on a network address; use --tls-cert/--tls-key", file=sys.stderr)
    if getattr(args, "ssh_port", None):  # the SSH door shares this process's event loop and terminal hub
        from .ssh import serve_with_ssh

        return serve_with_ssh(app, portal, args)
    uvicorn.run(app, host=args.host, port=args.port, ssl_certfile=args.tls_cert, ssl_keyfile=args.tls_key,
                ws="websockets-sansio", log_level="warning", timeout_graceful_shutdown=5)
    return 0


# --- `altlab exam start` hands out the links ------------------------------------------------------------

def add_exam_start_arguments(e: argparse.ArgumentParser) -> None:
    e.add_argument("--portal-url", default=f"http://127.0.0.1:{DEFAULT_PORT}",
                   help="address of `altlab portal` for the candidates' login links")


def print_exam_links(exam: str, lab_dirs: list[str], candidates: list[str], portal_url: str) -> Path:
    """A one-time link per (newly started) candidate; tokens.csv (0600) for the proctor to hand out."""
    from .auth import issue_token, write_tokens_csv
    from .engine import Engine

    eng = Engine(exam, lab_dirs)
    rows = []
    for c in candidates:
        token = issue_token(eng, c, "candidate")
        link = f"{portal_url.rstrip('/')}/login?t={token}"
        rows.append((c, token, link))
        print(f"  {c}: {link}")
    return write_tokens_csv(eng.folder, rows)
