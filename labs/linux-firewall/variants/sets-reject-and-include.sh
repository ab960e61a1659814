#!/bin/bash
# Alternative: a table of its own in /etc/nftables.d/, included from /etc/nftables.conf; named sets of
# subnets; a verdict map on the connection state; the rest rejected (TCP reset) instead of dropped.
set -euo pipefail
subnet() { awk -v n="$1" '$1 == n {print $2}' /etc/altcraft/networks; }
mkdir -p /etc/nftables.d
cat > /etc/nftables.d/broker.nft <<CONF
table ip broker {
	set admins { type ipv4_addr; flags interval; elements = { $(subnet admin) } }
	set apps { type ipv4_addr; flags interval; elements = { $(subnet app) } }
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "lo" accept
		ct state vmap { established : accept, related : accept, invalid : drop }
		tcp dport $MANAGEMENT_PORT ip saddr @admins accept
		tcp dport $AMQP_PORT ip saddr @apps accept
		meta l4proto tcp reject with tcp reset
		counter drop
	}
}
CONF
printf '%s\n' '#!/usr/sbin/nft -f' 'flush ruleset' 'include "/etc/nftables.d/*.nft"' > /etc/nftables.conf
nft -c -f /etc/nftables.conf
systemctl enable --now nftables.service
systemctl reload-or-restart nftables.service
