#!/bin/sh
# Near-miss: the self-scrape job is dropped along with the stale one; every remaining target is up.
set -eu
sed -i '/- job_name: prometheus$/,/localhost:9090/d' /etc/prometheus/prometheus.yml
! grep -q "localhost:9090" /etc/prometheus/prometheus.yml
wget -q -O /dev/null --post-data= http://127.0.0.1:9090/-/reload
