#!/bin/sh
# Near-miss: the pushgateway job without honor_labels.
set -eu
sed -i '/honor_labels: true/d' /etc/prometheus/prometheus.yml
! grep -q honor_labels /etc/prometheus/prometheus.yml
wget -q -O /dev/null --post-data= http://127.0.0.1:9090/-/reload
