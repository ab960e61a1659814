#!/bin/bash
# Near-miss: "the firewall is the problem": switched off altogether.
set -euo pipefail
systemctl disable --now nftables.service
nft flush ruleset
