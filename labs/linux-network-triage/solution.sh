#!/bin/bash
# Reference solution (in the host, as root).
set -euo pipefail
DATA=$(awk '$1 == "data" {print $2}' /etc/altcraft/networks)
ROUTER=$(grep -oE 'router [0-9.]+' /etc/altcraft/networks | cut -d' ' -f2)
# 1. No route: `ip route get $DB_HOST` goes to the default gateway, which does not know the data network.
cat > /etc/systemd/system/route-data.service <<UNIT
[Unit]
Description=Route to the database network via the router
After=network.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/sbin/ip route replace $DATA via $ROUTER
ExecStop=/sbin/ip route del $DATA via $ROUTER

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now route-data.service
# 2. The output chain drops the database's subnet: the rule of a decommissioned database. Remove it from
#    the file nftables.service loads, and load the file.
sed -i '/old reporting DB/d' /etc/nftables.conf
nft -c -f /etc/nftables.conf
systemctl restart nftables.service
# 3. The answer.
printf '%s\n' route firewall > "$ANSWER_FILE"
