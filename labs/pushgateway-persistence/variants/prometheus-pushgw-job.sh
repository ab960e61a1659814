#!/bin/sh
# Alternative: a differently named job for the gateway, honor_labels on it; applied later over HTTP.
set -eu
cat > /etc/prometheus/prometheus.yml <<'YAML'
global:
  scrape_interval: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]
  - job_name: pushgw
    honor_labels: true
    scrape_interval: 3s
    static_configs:
      - targets: ["pushgateway:9091"]
        labels: {team: ops}
YAML
