#!/bin/sh
# Alternative: honor_labels added in place with sed, the config checked with promtool, applied with SIGHUP.
set -eu
f=/etc/prometheus/prometheus.yml
sed -i 's/^\(  - job_name: pushgateway\)$/\1\n    honor_labels: true/' "$f"
grep -q 'honor_labels: true' "$f"
promtool check config "$f"
kill -HUP 1
sleep 1
