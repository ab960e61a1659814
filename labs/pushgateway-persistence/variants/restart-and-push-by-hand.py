"""Alternative route, host side: restart the gateway, push the backup metric again by hand (PUT to the
published port, as `curl -X PUT --data-binary @- .../metrics/job/mongodump` would), reload Prometheus."""

import time

import requests


def apply(lab):
    p = lab.params
    lab.restart(["pushgateway"])
    body = f"# TYPE {p.metric} gauge\n{p.metric} {int(time.time())}\n"
    requests.put(lab.url("pushgateway", 9091, f"/metrics/job/{p.job}"), data=body, timeout=30).raise_for_status()
    requests.post(lab.url("prometheus", 9090, "/-/reload"), timeout=30).raise_for_status()
