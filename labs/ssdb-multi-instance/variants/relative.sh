#!/bin/bash
set -euo pipefail
# Alternative: paths relative to the config file's folder (SSDB resolves them so), `=` everywhere.
rm -f /etc/ssdb/hardbounces.conf
for spec in hardbounces:8881 notifications:8882 mtastats:8883; do
  n=${spec%:*}; p=${spec#*:}
  mkdir -p "/var/lib/ssdb/$n"
  printf 'work_dir = ../../var/lib/ssdb/%s\npidfile = ../../var/lib/ssdb/%s/ssdb.pid\nserver:\n\tip = 0.0.0.0\n' "$n" "$n" > "/etc/ssdb/$n.conf"
  printf '\tport = %s\n\tauth = %s\nlogger:\n\tlevel = warn\n\toutput = ../../var/lib/ssdb/%s/log.txt\n' "$p" "$PASSWORD" "$n" >> "/etc/ssdb/$n.conf"
  (cd / && ssdb-server -d "/etc/ssdb/$n.conf")
done
sleep 1
