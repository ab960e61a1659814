#!/bin/sh
# Near-miss: working targets under other job names than the ones asked for.
set -eu
sed -i -e "s/job_name: $RABBITMQ_JOB\$/job_name: rabbitmq-prometheus/" \
       -e "s/job_name: $PUSHGATEWAY_JOB\$/job_name: prom-pushgateway/" /etc/prometheus/prometheus.yml
grep -q 'job_name: prom-pushgateway' /etc/prometheus/prometheus.yml
wget -q -O /dev/null --post-data= http://127.0.0.1:9090/-/reload
