#!/bin/bash
# Reference solution (in the host, as root): remove the old logs, empty the open one, rotate it from now on.
set -euo pipefail
# 1. What fills it: `du -ah /srv/altcraft | sort -h`: the logs, not the cache's folder (its data).
rm -f "$LOG".[0-9]*
# 2. Redis holds cache.log open: rm would free nothing; emptying it frees the space at once.
truncate -s 0 "$LOG"
# 3. Rotate it by size, keep a few compressed; copytruncate because Redis cannot reopen its log.
cat > /etc/logrotate.d/altcraft-cache <<CONF
$LOG {
    size $ROTATE_SIZE
    rotate $ROTATE_KEEP
    compress
    copytruncate
    missingok
    notifempty
}
CONF
logrotate -d /etc/logrotate.conf >/dev/null 2>&1
# 4. The timer runs logrotate hourly (it is daily as shipped), and at every boot.
mkdir -p /etc/systemd/system/logrotate.timer.d
printf '%s\n' '[Timer]' 'OnCalendar=' 'OnCalendar=hourly' > /etc/systemd/system/logrotate.timer.d/hourly.conf
systemctl daemon-reload
systemctl enable --now logrotate.timer
# 5. Redis retries the append-only file by itself once there is room.
for _ in $(seq 50); do
  redis-cli -p "$PORT" info persistence | grep -q 'aof_last_write_status:ok' && exit 0
  sleep 0.2
done
echo "the cache still reports a failed AOF write" >&2
exit 1
