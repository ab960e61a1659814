"""Break step, host side: load the platform's data (several campaigns, users, sessions) through the port.

Only writes: no SCAN and no KEYS, so INFO commandstats shows the candidate's own way of counting.
"""

import importlib.util
import json
from pathlib import Path

import redis


def _dataset():
    path = Path(__file__).parent / "checks" / "diag_dataset.py"
    spec = importlib.util.spec_from_file_location("kvrocks_diag_dataset", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def apply(lab):
    ds = _dataset()
    p = lab.params
    groups = ds.all_keys(p.dataset_seed, p.campaign_id)
    with redis.Redis(host=lab.host, port=lab.port("cache", 6666), decode_responses=True) as r:
        pipe = r.pipeline(transaction=False)
        for cid, keys in groups.items():
            for i, key in enumerate(keys):
                if key.endswith(":meta"):
                    pipe.hset(key, mapping={"name": f"Campaign {cid}", "status": "sending", "channel": "email"})
                elif key.endswith(":stats"):
                    pipe.hset(key, mapping={"sent": 1000 + i, "opened": 400, "clicked": 37})
                elif key.endswith(":queue"):
                    pipe.rpush(key, *[f"batch-{n}" for n in range(5)])
                elif ":recipient:" in key:
                    pipe.hset(key, mapping={"email": f"r{i}@example.org", "status": "queued"})
                elif key.startswith("user:"):
                    pipe.set(key, json.dumps({"id": key.split(":")[1], "plan": "pro"}))
                elif key.startswith("session:"):
                    pipe.set(key, "active")
                elif key.startswith("campaigns:"):
                    pipe.sadd(key, *[c for c in groups if c != ds.OTHER])
                else:
                    pipe.set(key, "2026.11.2")
                if len(pipe) >= 1000:
                    pipe.execute()
        pipe.execute()
        written = r.exists(*[k for keys in groups.values() for k in keys])
    total = sum(len(k) for k in groups.values())
    if written != total:
        raise RuntimeError(f"loaded {written} of {total} keys")
