#!/bin/bash
# Reference solution (in the host, as root): an input chain that drops by default, the two allowed
# source network x port pairs by subnet, saved in /etc/nftables.conf, loaded by nftables.service at boot.
set -euo pipefail
subnet() { awk -v n="$1" '$1 == n {print $2}' /etc/altcraft/networks; }
ADMIN=$(subnet admin)
APP=$(subnet app)

cat > /etc/nftables.conf <<CONF
#!/usr/sbin/nft -f
# The broker host: management UI from the admin network, AMQP from the app network, nothing else.
flush ruleset

table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iif lo accept comment "the broker's own tools (epmd, node port) and health checks"
		ct state established,related accept
		ct state invalid drop
		meta l4proto { icmp, ipv6-icmp } accept
		ip saddr $ADMIN tcp dport $MANAGEMENT_PORT accept comment "management UI: admins"
		ip saddr $APP tcp dport $AMQP_PORT accept comment "AMQP: the platform's applications"
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
	}
	chain output {
		type filter hook output priority filter;
	}
}
CONF
nft -c -f /etc/nftables.conf
systemctl enable nftables.service
systemctl restart nftables.service
