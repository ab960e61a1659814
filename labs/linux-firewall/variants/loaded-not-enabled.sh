#!/bin/bash
# Near-miss: the right rules in /etc/nftables.conf, loaded by hand with `nft -f`; nftables.service stays disabled.
set -euo pipefail
subnet() { awk -v n="$1" '$1 == n {print $2}' /etc/altcraft/networks; }
cat > /etc/nftables.conf <<CONF
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iif lo accept
		ct state established,related accept
		ip saddr $(subnet admin) tcp dport $MANAGEMENT_PORT accept
		ip saddr $(subnet app) tcp dport $AMQP_PORT accept
	}
}
CONF
nft -f /etc/nftables.conf
! systemctl is-enabled --quiet nftables.service
