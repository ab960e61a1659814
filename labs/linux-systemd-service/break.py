"""Break step (host side): which open-files and locked-memory limits a unit on this host can get.

A service's limits can go no higher than the hard limits of systemd itself, PID 1 of the container,
which are what the Docker engine granted the container (without CAP_SYS_RESOURCE a container cannot
raise them). systemd hands a unit the lower of its setting and that ceiling without a word, so the
checks expect the task's limits or the ceiling, whichever is lower; a note in the host says so."""

from __future__ import annotations

import json

from pytest_altlab.helpers.container import TARGETS_FILE, fmt_limit, parse_limits, record_limit_targets, wanted_limits

NOTE = """This host cannot grant every limit the task asks for: systemd can give a service no more
than its own hard limits, which the container engine set. A unit that asks for more gets these
(the checks expect at least these):

{rows}
"""
ROWS = {"nofile": "Max open files", "memlock": "Max locked memory"}


def apply(lab):
    wanted = wanted_limits(lab)
    targets = record_limit_targets(lab, "host")  # what `docker run --ulimit` can be granted at all
    res = lab.exec("host", ["cat", "/proc/1/limits"])
    if not res.ok:
        raise RuntimeError(f"cannot read the limits of systemd (PID 1) in the host: {res.stderr.strip()}")
    ceiling = parse_limits(res.stdout)
    for name, row in ROWS.items():  # and the ceiling this very container has
        hard = ceiling[row].hard
        if hard is not None and (targets[name] is None or targets[name] > hard):
            targets[name] = hard
    (lab.state.dir / TARGETS_FILE).write_text(json.dumps({"wanted": wanted, "targets": targets}, indent=2))
    if targets != wanted:
        rows = "\n".join(f"  {k}: {fmt_limit(targets[k])}{' bytes' if k == 'memlock' and targets[k] else ''}   "
                         f"(the task asks for {fmt_limit(wanted[k])})" for k in wanted)
        note = NOTE.format(rows=rows)
        put = lab.exec("host", ["sh", "-c", "cat > /root/HOST-LIMITS.txt"], input=note)
        if not put.ok:
            raise RuntimeError(f"cannot write /root/HOST-LIMITS.txt in the host: {put.stderr.strip()}")
