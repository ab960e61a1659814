#!/bin/bash
# Near-miss: the cache writes its log to a file of its own; the journal only has systemd's lines about it.
set -euo pipefail
install -d -o "$CACHE_USER" -g "$CACHE_USER" /var/log/altcraft-cache
sed -i 's|^logfile .*|logfile /var/log/altcraft-cache/cache.log|' "$CONFIG"
systemctl restart "$UNIT"
