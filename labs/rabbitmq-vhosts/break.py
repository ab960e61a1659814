"""Break step: leave the node half-configured (runs on the host, through the management API as guest)."""

from __future__ import annotations

from urllib.parse import quote

import requests


def apply(lab):
    base = lab.url("rabbitmq", 15672, "/api")
    auth = ("guest", "guest")
    p = lab.params
    s = requests.Session()
    s.auth = auth

    def put(path: str, body: dict) -> None:
        r = s.put(base + path, json=body, timeout=30)
        r.raise_for_status()

    # The app user exists, with a stale password and full rights on the default vhost only.
    put(f"/users/{quote(p.app_user, safe='')}", {"password": p.stale_password, "tags": ""})
    put(f"/permissions/%2F/{quote(p.app_user, safe='')}", {"configure": ".*", "write": ".*", "read": ".*"})
    # guest (guest/guest) keeps logging in from anywhere: both flavours start with loopback_users.guest = false.
