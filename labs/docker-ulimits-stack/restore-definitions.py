"""Reference solution, step 2 (host side): import the workspace's definitions export through the management API."""

import requests


def apply(lab):
    url = lab.url("rabbitmq", 15672, "/api/definitions")
    body = (lab.state.workspace / "definitions.json").read_bytes()

    def imported():  # without a health check in the definition, `altlab apply` does not wait for the broker
        try:
            r = requests.post(url, data=body, auth=("guest", "guest"), timeout=30,
                              headers={"content-type": "application/json"})
        except requests.RequestException as e:
            return False, type(e).__name__
        return r.status_code < 300, f"HTTP {r.status_code}: {r.text[:200]}"

    lab.wait_until(imported, within=120, what="importing the definitions")
