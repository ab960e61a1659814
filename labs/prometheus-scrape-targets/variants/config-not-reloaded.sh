#!/bin/sh
# Near-miss: the right file on disk, but Prometheus still runs the configuration it loaded before.
set -eu
cat > /etc/prometheus/prometheus.yml <<YAML
global:
  scrape_interval: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]
  - job_name: $RABBITMQ_JOB
    static_configs:
      - targets: ["rabbitmq:15692"]
  - job_name: $PUSHGATEWAY_JOB
    honor_labels: true
    static_configs:
      - targets: ["pushgateway:9091"]
YAML
