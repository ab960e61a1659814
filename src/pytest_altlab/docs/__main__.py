"""`python -m pytest_altlab.docs [--check] [FILE]`: regenerate docs/WRITING_LABS.md's generated sections."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from ..errors import AltlabError
from .writing_labs import COMMAND, PKG_DIR, generate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog=COMMAND, description="Write the generated sections of docs/WRITING_LABS.md "
                                "(lab.yaml fields, fixtures, markers, helper API) from the code.")
    p.add_argument("file", nargs="?", type=Path, default=PKG_DIR.parents[1] / "docs" / "WRITING_LABS.md")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if the file is out of date")
    args = p.parse_args(argv)
    try:
        fresh, new = generate(args.file, check=args.check)
    except AltlabError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if fresh:
        print(f"{args.file}: up to date")
        return 0
    if args.check:
        old = args.file.read_text(encoding="utf-8").splitlines()
        diff = list(difflib.unified_diff(old, new.splitlines(), "committed", "generated", lineterm="", n=1))
        print("\n".join(diff[:60]) + ("\n..." if len(diff) > 60 else ""))
        print(f"{args.file}: out of date; run `{COMMAND}` and commit the result", file=sys.stderr)
        return 1
    print(f"{args.file}: regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
