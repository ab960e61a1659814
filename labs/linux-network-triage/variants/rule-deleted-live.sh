#!/bin/bash
# Near-miss: the route persistent; the rule deleted from the kernel only, still in /etc/nftables.conf.
set -euo pipefail
cp /etc/nftables.conf /root/nftables.conf.orig
# The reference solution, then the file put back as it was: the kernel has no blocking rule, the file does.
DATA=$(awk '$1 == "data" {print $2}' /etc/altcraft/networks)
ROUTER=$(grep -oE 'router [0-9.]+' /etc/altcraft/networks | cut -d' ' -f2)
printf '%s\n' '[Unit]' 'After=network.target' '[Service]' 'Type=oneshot' 'RemainAfterExit=yes' \
  "ExecStart=/sbin/ip route replace $DATA via $ROUTER" '[Install]' 'WantedBy=multi-user.target' \
  > /etc/systemd/system/route-data.service
systemctl daemon-reload
systemctl enable --now route-data.service
handle=$(nft -a list chain inet filter output | awk '/old reporting DB/ {print $NF}')
nft delete rule inet filter output handle "$handle"
grep -q 'old reporting DB' /etc/nftables.conf
printf '%s\n' route firewall > "$ANSWER_FILE"
