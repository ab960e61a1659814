#!/bin/bash
# Near-miss: the two ports closed to the wrong networks one by one; the chain accepts everything else.
set -euo pipefail
subnet() { awk -v n="$1" '$1 == n {print $2}' /etc/altcraft/networks; }
cat > /etc/nftables.conf <<CONF
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport $MANAGEMENT_PORT ip saddr != $(subnet admin) drop
		tcp dport $AMQP_PORT ip saddr != $(subnet app) drop
	}
}
CONF
systemctl restart nftables.service
