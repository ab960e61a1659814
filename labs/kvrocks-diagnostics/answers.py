"""The values this lab's candidate must find: the key count of the seeded data set (lab.yaml answers:)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def answers(lab):
    path = Path(__file__).parent / "checks" / "diag_dataset.py"
    spec = importlib.util.spec_from_file_location("kvrocks_diag_dataset_answers", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    p = lab.params
    n = len(mod.all_keys(p.dataset_seed, p.campaign_id)[p.campaign_id])
    # connected_clients (workers + stale + 1) is a one-digit number: it occurs in any output by chance.
    return [str(n), f"{n:,}"]
