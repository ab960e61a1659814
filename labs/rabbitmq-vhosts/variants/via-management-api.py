"""Alternative route: the whole fix through the management HTTP API from the host."""

from urllib.parse import quote

import requests


def apply(lab):
    p = lab.params
    api = lab.url("rabbitmq", 15672, "/api")
    s = requests.Session()
    s.auth = ("guest", "guest")
    v, app, mon = quote(p.vhost, safe=""), quote(p.app_user, safe=""), quote(p.monitor_user, safe="")
    for method, path, body in [
        ("PUT", f"/vhosts/{v}", {}),
        ("PUT", f"/users/{app}", {"password": p.app_password, "tags": ""}),
        ("DELETE", f"/permissions/%2F/{app}", None),
        ("PUT", f"/permissions/{v}/{app}", {"configure": ".*", "write": ".*", "read": ".*"}),
        ("PUT", f"/users/{mon}", {"password": p.monitor_password, "tags": "monitoring"}),
        ("PUT", f"/permissions/{v}/{mon}", {"configure": "", "write": "", "read": ".*"}),
        ("PUT", "/users/guest", {"password": "a-long-new-guest-secret", "tags": "administrator"}),
    ]:
        r = s.request(method, api + path, json=body, timeout=30)
        r.raise_for_status()
