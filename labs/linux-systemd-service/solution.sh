#!/bin/bash
# Reference solution (in the host, as root): a service account, a unit with the limits, boot and restarts.
set -euo pipefail
UNIT_FILE=/etc/systemd/system/$UNIT.service

# 1. The hand-started cache holds the port: stop it first (its data is a cache: nothing to keep).
redis-cli -p "$PORT" shutdown nosave 2>/dev/null || true

# 2. A system account of its own: no login shell, no password, home = its data folder.
id "$CACHE_USER" >/dev/null 2>&1 || useradd --system --user-group --shell /usr/sbin/nologin \
  --home-dir /var/lib/altcraft-cache --no-create-home "$CACHE_USER"
chown -R "$CACHE_USER:$CACHE_USER" /var/lib/altcraft-cache

# 3. The unit: logs go to the journal by default (the config logs to standard output).
cat > "$UNIT_FILE" <<UNIT
[Unit]
Description=Altcraft platform cache (Redis)
After=network.target

[Service]
User=$CACHE_USER
Group=$CACHE_USER
ExecStart=/usr/bin/redis-server $CONFIG
Restart=on-failure
LimitNOFILE=$NOFILE
LimitMEMLOCK=$([ "$MEMLOCK" = unlimited ] && echo infinity || echo "$MEMLOCK")

[Install]
WantedBy=multi-user.target
UNIT

# 4. Load it, start it now and at every boot.
systemctl daemon-reload
systemctl enable --now "$UNIT.service"
for _ in $(seq 50); do
  redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG && exit 0
  sleep 0.2
done
systemctl status --no-pager "$UNIT" >&2 || true
exit 1
