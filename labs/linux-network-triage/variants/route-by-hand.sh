#!/bin/bash
# Near-miss: the firewall fixed for good, the route only by hand.
set -euo pipefail
DATA=$(awk '$1 == "data" {print $2}' /etc/altcraft/networks)
ROUTER=$(grep -oE 'router [0-9.]+' /etc/altcraft/networks | cut -d' ' -f2)
ip route add "$DATA" via "$ROUTER"
sed -i '/old reporting DB/d' /etc/nftables.conf
systemctl restart nftables.service
printf '%s\n' route firewall > "$ANSWER_FILE"
