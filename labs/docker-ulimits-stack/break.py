"""Break step (host side): record the limits this Docker engine grants, leave the definitions export in the
candidate's workspace, and wait until the broker answers. The broken part is the lab's compose definition."""

from __future__ import annotations

import json

import requests

from pytest_altlab.helpers.container import fmt_limit, record_limit_targets, wanted_limits

NOTE = """Your Docker engine cannot grant every limit the task asks for.

An engine can hand a container limits only up to its own hard limits, unless it runs with
CAP_SYS_RESOURCE (rootless Docker and some sandboxed VMs do not): `altlab apply` then fails with
"error setting rlimit ... operation not permitted". On this engine, use these values instead
(the checks expect them):

{rows}

A value the engine cannot grant makes `altlab apply` fail while it starts the container, and the
broker is then left stopped: keep a copy of your override file, run `altlab stop docker-ulimits-stack`
and `altlab start docker-ulimits-stack`, put your file back and apply it again.
"""


def apply(lab):
    p = lab.params
    wanted = wanted_limits(lab)
    targets = record_limit_targets(lab, "rabbitmq")
    if targets != wanted:
        rows = "\n".join(f"  {k}: {fmt_limit(targets[k])}   (the task asks for {fmt_limit(wanted[k])}; "
                         f"in compose: {k}: {-1 if targets[k] is None else targets[k]})" for k in wanted)
        (lab.state.workspace / "ENGINE-LIMITS.txt").write_text(NOTE.format(rows=rows))

    # The export the platform's team took before the last redeploy emptied the broker.
    defs = {
        "rabbitmq_version": "4.0",
        "vhosts": [{"name": p.vhost, "description": "marketing platform", "tags": [], "metadata": {}}],
        "exchanges": [{"name": p.exchange, "vhost": p.vhost, "type": "direct", "durable": True,
                       "auto_delete": False, "internal": False, "arguments": {}}],
        "queues": [{"name": p.queue, "vhost": p.vhost, "durable": True, "auto_delete": False,
                    "arguments": {"x-queue-type": "classic"}}],
        "bindings": [{"source": p.exchange, "vhost": p.vhost, "destination": p.queue,
                      "destination_type": "queue", "routing_key": p.queue, "arguments": {}}],
    }
    (lab.state.workspace / "definitions.json").write_text(json.dumps(defs, indent=2) + "\n")

    # The broken definition has no health check, so `up` returned as soon as the container ran.
    url = lab.url("rabbitmq", 15672, "/api/overview")

    def answers():
        try:
            code = requests.get(url, auth=("guest", "guest"), timeout=5).status_code
        except requests.RequestException as e:
            return False, type(e).__name__
        return code == 200, f"HTTP {code}"

    lab.wait_until(answers, within=120, what=f"the broker's management API answering ({url})")
