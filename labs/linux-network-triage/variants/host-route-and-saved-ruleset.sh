#!/bin/bash
# Alternative: a host route (/32) to the database itself in a unit of another name, the rule deleted in the
# kernel and the live ruleset saved as /etc/nftables.conf.
set -euo pipefail
. /etc/altcraft/app.env
ROUTER=$(grep -oE 'router [0-9.]+' /etc/altcraft/networks | cut -d' ' -f2)
cat > /etc/systemd/system/db-host-route.service <<UNIT
[Unit]
Description=Host route to the app's database
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/ip route add $DB_HOST/32 via $ROUTER
ExecStop=/usr/sbin/ip route del $DB_HOST/32 via $ROUTER
[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable db-host-route.service
systemctl start db-host-route.service
handle=$(nft -a list chain inet filter output | awk '/old reporting DB/ {print $NF}')
nft delete rule inet filter output handle "$handle"
{ echo '#!/usr/sbin/nft -f'; echo 'flush ruleset'; nft list ruleset; } > /etc/nftables.conf.new
nft -c -f /etc/nftables.conf.new
mv /etc/nftables.conf.new /etc/nftables.conf
printf '%s\n' '# causes' firewall route > "$ANSWER_FILE"
