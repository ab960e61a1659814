"""The data set of kvrocks-diagnostics, derived from the lab's seed: the break step loads it, the checks recount it."""

from __future__ import annotations

import random

OTHER = "other"  # keys that belong to no campaign


def campaign_sizes(seed: str, campaign_id: str) -> dict[str, int]:
    """Campaign id -> number of keys. Besides the asked-for campaign, some ids share its prefix
    (`campaign:1207*` also matches campaign:12070 and campaign:12077), so only the exact pattern
    `campaign:1207:*` counts right."""
    rnd = random.Random(f"kvrocks-diagnostics:{seed}:{campaign_id}")
    cid = int(campaign_id)
    return {
        str(cid): rnd.randint(1200, 1900),
        f"{cid}0": rnd.randint(300, 600),
        f"{cid}7": rnd.randint(150, 400),
        str(cid + 1): rnd.randint(500, 1100),
        str(cid // 10): rnd.randint(200, 500),
    }


def campaign_keys(cid: str, n: int) -> list[str]:
    fixed = [f"campaign:{cid}:meta", f"campaign:{cid}:stats", f"campaign:{cid}:queue"]
    return fixed + [f"campaign:{cid}:recipient:{i:06d}" for i in range(n - len(fixed))]


def other_keys(seed: str) -> list[str]:
    rnd = random.Random(f"kvrocks-diagnostics-other:{seed}")
    users = [f"user:{i}" for i in range(1, 401)]
    sessions = [f"session:{rnd.getrandbits(64):016x}" for _ in range(150)]
    return ["platform:release", "campaigns:index", "campaigns:active", *users, *sessions]


def all_keys(seed: str, campaign_id: str) -> dict[str, list[str]]:
    """Group (campaign id, or 'other') -> its keys: everything the break step wrote."""
    out = {cid: campaign_keys(cid, n) for cid, n in campaign_sizes(seed, campaign_id).items()}
    out[OTHER] = other_keys(seed)
    return out
