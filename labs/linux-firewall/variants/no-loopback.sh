#!/bin/bash
# Near-miss: the reference ruleset without `iif lo accept`: the host cannot reach its own broker.
set -euo pipefail
sed -i '/iif lo accept/d' /etc/nftables.conf
systemctl restart nftables.service
