#!/bin/bash
# Near-miss: the reference ruleset with AMQP accepted from every source.
set -euo pipefail
sed -i -E "s/^(\s*)ip saddr \S+ tcp dport $AMQP_PORT accept/\1tcp dport $AMQP_PORT accept/" /etc/nftables.conf
grep -q "^\s*tcp dport $AMQP_PORT accept" /etc/nftables.conf
systemctl restart nftables.service
