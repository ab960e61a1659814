"""Near-miss: the solution with users DN ou=users (the bitnami image's habit) instead of ou=people."""

import runpy
from pathlib import Path

sol = runpy.run_path(str(Path(__file__).resolve().parents[1] / "solution.py"))


def apply(lab):
    sol["setup"](lab, usersDn=f"ou=users,{lab.params.base_dn}")
