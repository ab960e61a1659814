"""Alternative route: management HTTP API from the host - TTL + dead-letter exchange policy, purge."""

import requests


def apply(lab):
    api = lab.url("rabbitmq", 15672, "/api")
    s = requests.Session()
    s.auth = ("guest", "guest")
    for method, path, body in [
        ("PUT", "/exchanges/altcraft/webhooks.dead", {"type": "fanout", "durable": True}),
        ("PUT", "/queues/altcraft/webhooks.dead", {"durable": True, "arguments": {"x-max-length": 1000}}),
        ("POST", "/bindings/altcraft/e/webhooks.dead/q/webhooks.dead", {"routing_key": ""}),
        ("PUT", "/policies/altcraft/webhooks-retry-expiry",
         {"pattern": "^webhooks\\.retry$", "apply-to": "queues", "priority": 50,
          "definition": {"message-ttl": 900000, "dead-letter-exchange": "webhooks.dead"}}),
        ("DELETE", "/queues/altcraft/webhooks.retry/contents", None),
    ]:
        r = s.request(method, api + path, json=body, timeout=30)
        r.raise_for_status()
    res = lab.exec("rabbitmq", ["sh", "-c", f"echo ' webhooks.retry ' > {lab.params.answer_file}"])
    assert res.ok, res.stderr
