"""Break step: a vhost with a catch-all policy, eight durable queues, one of them piled up (see queues.json)."""

from __future__ import annotations

import json
from collections import defaultdict
from urllib.parse import quote

import pika
import requests

BODIES = {  # what each queue's producers send: the messages look like the platform's
    "webhooks.retry": '{{"hook":"https://hooks.partner-{n}.example/altcraft","attempt":{a},"last_status":503,'
                      '"event":"message.delivered","id":"{n:08d}"}}',
    "campaign.stats": '{{"campaign":{c},"opened":{a},"clicked":1,"id":"{n:08d}"}}',
}
DEFAULT_BODY = '{{"to":"user{n}@example.com","template":"welcome","id":"{n:08d}"}}'


def layout(lab) -> dict:
    return json.loads((lab.manifest.path / "queues.json").read_text(encoding="utf-8"))


def apply(lab):
    spec = layout(lab)
    api = lab.url("rabbitmq", 15672, "/api")
    s = requests.Session()
    s.auth = ("guest", "guest")

    def put(path: str, body: dict) -> None:
        r = s.put(api + path, json=body, timeout=30)
        r.raise_for_status()

    by_vhost: dict[str, list[dict]] = defaultdict(list)
    for q in spec["queues"]:
        by_vhost[q["vhost"]].append(q)
    for vhost in by_vhost:
        v = quote(vhost, safe="")
        if vhost != "/":
            put(f"/vhosts/{v}", {"description": "marketing platform"})
            put(f"/permissions/{v}/guest", {"configure": ".*", "write": ".*", "read": ".*"})
    pol = spec["default_policy"]
    put(f"/policies/{quote(pol['vhost'], safe='')}/{quote(pol['name'], safe='')}",
        {k: pol[k] for k in ("pattern", "apply-to", "priority", "definition")})

    # One connection and one channel per vhost, no confirms (fast: ~20k messages/s); the counts are
    # then awaited with passive declares, which the queue answers from its live state.
    port = lab.port("rabbitmq", 5672)
    props = pika.BasicProperties(delivery_mode=2, content_type="application/json")
    for vhost, queues in by_vhost.items():
        conn = pika.BlockingConnection(pika.ConnectionParameters(
            host=lab.host, port=port, virtual_host=vhost, heartbeat=0,
            credentials=pika.PlainCredentials("guest", "guest")))
        try:
            ch = conn.channel()
            for q in queues:
                ch.queue_declare(q["name"], durable=True)
                tmpl = BODIES.get(q["name"], DEFAULT_BODY)
                for n in range(q["messages"]):
                    body = tmpl.format(n=n, a=n % 7 + 1, c=n % 40 + 100).encode()
                    ch.basic_publish("", q["name"], body, props)
            for q in queues:
                def filled(q=q, ch=ch):
                    count = ch.queue_declare(q["name"], passive=True).method.message_count
                    return count == q["messages"], f"{count} messages"

                lab.wait_until(filled, within=60, every=0.1, what=f"queue {q['name']} holding {q['messages']} messages")
        finally:
            if conn.is_open:
                conn.close()
