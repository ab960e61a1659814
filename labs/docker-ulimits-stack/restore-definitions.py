"""Reference solution, step 2 (host side): import the workspace's definitions export through the management API."""

import time

import requests


def apply(lab):
    url = lab.url("rabbitmq", 15672, "/api/definitions")
    body = (lab.state.workspace / "definitions.json").read_bytes()
    deadline = time.monotonic() + 120
    while True:  # without a health check in the definition, `altlab apply` does not wait for the broker
        try:
            r = requests.post(url, data=body, auth=("guest", "guest"), timeout=30,
                              headers={"content-type": "application/json"})
            if r.status_code < 300:
                return
            err = f"HTTP {r.status_code}: {r.text[:200]}"
        except requests.RequestException as e:
            err = type(e).__name__
        if time.monotonic() > deadline:
            raise RuntimeError(f"could not import the definitions within 120 s ({err})")
        time.sleep(1)
