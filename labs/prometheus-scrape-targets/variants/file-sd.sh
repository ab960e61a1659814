#!/bin/sh
# Alternative: the jobs in an included file (scrape_config_files), targets from file_sd_configs (JSON files).
set -eu
mkdir -p /etc/prometheus/scrape.d /etc/prometheus/targets
cat > /etc/prometheus/targets/rabbitmq.json <<JSON
[{"targets": ["rabbitmq:15692"], "labels": {"env": "lab"}}]
JSON
cat > /etc/prometheus/targets/pushgateway.yml <<YAML
- targets: ["pushgateway:9091"]
YAML
cat > /etc/prometheus/scrape.d/platform.yml <<YAML
scrape_configs:
  - job_name: "$RABBITMQ_JOB"
    scrape_interval: 5s
    file_sd_configs:
      - files: ["/etc/prometheus/targets/rabbitmq.json"]
        refresh_interval: 30s
  - job_name: "$PUSHGATEWAY_JOB"
    honor_labels: true
    file_sd_configs:
      - files: ["/etc/prometheus/targets/pushgateway.yml"]
YAML
cat > /etc/prometheus/prometheus.yml <<YAML
global:
  scrape_interval: 2s
  evaluation_interval: 2s
scrape_config_files:
  - scrape.d/*.yml
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]
YAML
