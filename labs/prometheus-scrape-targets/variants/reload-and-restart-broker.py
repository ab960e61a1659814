"""Alternative route, host side: reload Prometheus over its HTTP API and restart the broker (reads enabled_plugins)."""

import requests


def apply(lab):
    lab.restart(["rabbitmq"])
    requests.post(lab.url("prometheus", 9090, "/-/reload"), timeout=30).raise_for_status()
