#!/bin/bash
# Break step (in the host, as root): the host's firewall, whose output chain still drops the subnet of a
# database decommissioned last year - the subnet the new database network got. No route to it either.
set -euo pipefail
DATA=$(awk '$1 == "data" {print $2}' /etc/altcraft/networks)
cat > /etc/nftables.conf <<CONF
#!/usr/sbin/nft -f
flush ruleset

table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iif lo accept
		ct state established,related accept
		meta l4proto { icmp, ipv6-icmp } accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
	}
	chain output {
		type filter hook output priority filter; policy accept;
		ip daddr $DATA tcp dport $DB_PORT drop comment "old reporting DB: decommissioned, no app may use it"
	}
}
CONF
systemctl enable nftables.service >/dev/null 2>&1
systemctl restart nftables.service
