#!/bin/bash
# Alternative: the account from systemd-sysusers, a Type=notify unit (Redis tells systemd when it is
# ready), Restart=always, and the limits in a drop-in with the numbers this host can grant.
set -euo pipefail
redis-cli -p "$PORT" shutdown nosave 2>/dev/null || true

mkdir -p /etc/sysusers.d
echo "u $CACHE_USER - \"Altcraft cache\" /var/lib/altcraft-cache" > "/etc/sysusers.d/$UNIT.conf"
systemd-sysusers
chown -R "$CACHE_USER:" /var/lib/altcraft-cache

cat > "/etc/systemd/system/$UNIT.service" <<UNIT
[Unit]
Description=Altcraft platform cache

[Service]
Type=notify
User=$CACHE_USER
ExecStart=/usr/bin/redis-server $CONFIG --supervised systemd
Restart=always
RestartSec=1

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "/etc/systemd/system/$UNIT.service.d"
# The ceilings of this host (PID 1's hard limits), not the task's higher numbers.
read -r nofile < <(awk '/^Max open files/ {print $4}' /proc/1/limits)
read -r memlock < <(awk '/^Max locked memory/ {print $5}' /proc/1/limits)
printf '%s\n' '[Service]' "LimitNOFILE=$nofile" "LimitMEMLOCK=$memlock" > "/etc/systemd/system/$UNIT.service.d/limits.conf"
systemctl daemon-reload
systemctl enable "$UNIT"
systemctl start "$UNIT"
redis-cli -p "$PORT" ping | grep -q PONG
