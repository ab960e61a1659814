"""Near-miss: the solution with the first-name mapper reading cn (the full name)."""

import runpy
from pathlib import Path

sol = runpy.run_path(str(Path(__file__).resolve().parents[1] / "solution.py"))


def apply(lab):
    sol["setup"](lab, first_name_from="cn")
