#!/bin/sh
# Reference solution, Prometheus side: keep the pushed job label, then reload.
set -eu
cat > /etc/prometheus/prometheus.yml <<'YAML'
global:
  scrape_interval: 2s
  evaluation_interval: 2s

scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]

  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ["pushgateway:9091"]
YAML
wget -q -O /dev/null --post-data= http://127.0.0.1:9090/-/reload
