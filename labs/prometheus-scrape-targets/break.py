"""Break step (host side): RabbitMQ's Prometheus plugin off, a stale Prometheus config, one pushed metric."""

from __future__ import annotations

import time

import requests

STALE_CONFIG = """\
# Prometheus of the platform (monitoring ticket OPS-2211: add RabbitMQ and the Pushgateway).
global:
  scrape_interval: 2s        # short on purpose in this lab: keep it
  evaluation_interval: 2s

scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]

  # TODO: RabbitMQ metrics (copied from the old monitoring host, never worked)
  - job_name: rabbit
    static_configs:
      - targets: ["rabbitmq:15672"]
"""


def apply(lab):
    p = lab.params
    # 1. The plugin off, in enabled_plugins too: it stays off after a broker restart.
    res = lab.exec("rabbitmq", ["rabbitmq-plugins", "-q", "disable", "rabbitmq_prometheus"], timeout=120)
    if not res.ok:
        raise RuntimeError(f"rabbitmq-plugins disable failed: {res.stderr or res.stdout}")
    # 2. The stale config, written as the image's user (nobody owns /etc/prometheus on both flavours).
    res = lab.exec("prometheus", ["sh", "-c", "cat > /etc/prometheus/prometheus.yml"], input=STALE_CONFIG)
    if not res.ok:
        raise RuntimeError(f"could not write prometheus.yml: {res.stderr}")
    r = requests.post(lab.url("prometheus", 9090, "/-/reload"), timeout=30)
    r.raise_for_status()
    # 3. The nightly export job has pushed its last success time (job label = the pushing job).
    body = (f"# HELP {p.pushed_metric} Unix time of the last successful CRM export.\n"
            f"# TYPE {p.pushed_metric} gauge\n{p.pushed_metric} {int(time.time()) - 3600}\n")
    r = requests.put(lab.url("pushgateway", 9091, f"/metrics/job/{p.pushed_job}"), data=body, timeout=30)
    r.raise_for_status()
