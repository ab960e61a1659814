#!/bin/bash
# Break step (in the host, as root): the cache with its data on the partition, then logs that fill it.
set -euo pipefail
useradd --system --user-group --shell /usr/sbin/nologin --home-dir "$PARTITION/cache" --no-create-home cache
# The partition is a RAM disk: its folders are made at every boot.
printf '%s\n' "d $PARTITION/cache 0750 cache cache -" "d $PARTITION/log 0755 cache cache -" > /etc/tmpfiles.d/altcraft.conf
systemd-tmpfiles --create /etc/tmpfiles.d/altcraft.conf
mkdir -p /etc/altcraft-cache
cat > /etc/altcraft-cache/cache.conf <<CONF
port $PORT
bind 0.0.0.0
protected-mode no
daemonize no
# Logs to its standard output: the unit appends that to the log file (StandardOutput=append:).
logfile ""
loglevel notice
dir $PARTITION/cache
save ""
appendonly yes
appendfsync everysec
CONF
cat > "/etc/systemd/system/$UNIT.service" <<UNIT
[Unit]
Description=Altcraft platform cache (Redis)
After=network.target systemd-tmpfiles-setup.service

[Service]
User=cache
Group=cache
ExecStart=/usr/bin/redis-server /etc/altcraft-cache/cache.conf
# systemd opens the log once and hands it to Redis as its output: Redis holds it open as long as it runs.
StandardOutput=append:$LOG
StandardError=inherit
Restart=on-failure
LimitNOFILE=16384

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now "$UNIT" >/dev/null 2>&1
systemctl disable --now logrotate.timer >/dev/null 2>&1
for _ in $(seq 50); do redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done

# The cache's data: what the platform would have to rebuild for hours.
seq 1 "$KEYS" | awk '{printf "SET campaign:%d segment-%d-%s\n", $1, $1, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}' \
  | redis-cli -p "$PORT" >/dev/null
sleep 1.5  # appendfsync everysec: the data reaches the file

# Months of logs nobody rotated: four old ones, and the current one, which fills the rest.
line="$(date -u '+%d %b %Y %H:%M:%S').000 * Accepted 10.20.0.7:53422 (client connection from the app pool)"
for i in 4 3 2 1; do
  yes "1234:M $line" | head -c 3500000 > "$LOG.$i" || true   # yes ends on SIGPIPE: that is the point
  [ "$(stat -c %s "$LOG.$i")" = 3500000 ]
done
chown cache:cache "$LOG".*
yes "1234:M $line" >> "$LOG" 2>/dev/null || true   # until the partition is full (No space left on device)

# The next write cannot reach the append-only file: Redis refuses writes from then on.
redis-cli -p "$PORT" set altcraft:last-write "$(date -u +%s)" >/dev/null || true
for _ in $(seq 50); do
  redis-cli -p "$PORT" info persistence | grep -q 'aof_last_write_status:err' && exit 0
  redis-cli -p "$PORT" set altcraft:last-write "$(date -u +%s)" >/dev/null 2>&1 || true
  sleep 0.2
done
echo "the cache did not report a failed AOF write on the full partition" >&2
df -h "$PARTITION" >&2
exit 1
