#!/bin/bash
# Near-miss: the right rules loaded and saved, but to /etc/nftables.rules; /etc/nftables.conf stays the
# one Debian ships (an empty filter), which is what nftables.service loads at the next boot.
set -euo pipefail
shipped=$(mktemp)
cp /etc/nftables.conf "$shipped"
subnet() { awk -v n="$1" '$1 == n {print $2}' /etc/altcraft/networks; }
cat > /etc/nftables.rules <<CONF
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
nft flush ruleset
nft -f /etc/nftables.rules
systemctl enable nftables.service
cmp -s "$shipped" /etc/nftables.conf
