#!/bin/sh
# Reference solution, Prometheus side: the two jobs with their exact names, then a reload over HTTP.
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
wget -q -O /dev/null --post-data= http://127.0.0.1:9090/-/reload
