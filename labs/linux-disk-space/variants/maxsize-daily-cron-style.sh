#!/bin/bash
# Alternative: the log emptied with a redirection, `maxsize` + `daily` on a glob, gzip -9, and the timer
# replaced by a full unit of its own in /etc/systemd/system (hourly).
set -euo pipefail
find "$PARTITION/log" -name 'cache.log.*' -delete
: > "$LOG"
cat > /etc/logrotate.d/altcraft <<CONF
$PARTITION/log/*.log {
    daily
    maxsize $ROTATE_SIZE
    rotate 3
    compress
    compresscmd /bin/gzip
    compressoptions -9
    copytruncate
    missingok
}
CONF
cat > /etc/systemd/system/logrotate.timer <<UNIT
[Unit]
Description=Rotate log files hourly

[Timer]
OnCalendar=*-*-* *:00/30:00
Persistent=true

[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable --now logrotate.timer
for _ in $(seq 50); do
  redis-cli -p "$PORT" info persistence | grep -q 'aof_last_write_status:ok' && exit 0
  sleep 0.2
done
exit 1
