#!/bin/sh
# Break step: Prometheus scrapes the gateway, but without honor_labels.
set -eu
cat > /etc/prometheus/prometheus.yml <<'YAML'
# Prometheus of the platform.
global:
  scrape_interval: 2s        # short on purpose in this lab: keep it
  evaluation_interval: 2s

scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]

  # Batch jobs (backups, exports) push their results to the Pushgateway.
  - job_name: pushgateway
    static_configs:
      - targets: ["pushgateway:9091"]
YAML
wget -q -O /dev/null --post-data= http://127.0.0.1:9090/-/reload
