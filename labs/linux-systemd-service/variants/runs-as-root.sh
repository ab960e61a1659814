#!/bin/bash
# Near-miss: the reference unit without User=/Group=: the cache runs as root.
set -euo pipefail
sed -i '/^User=/d; /^Group=/d' "/etc/systemd/system/$UNIT.service"
systemctl daemon-reload
systemctl restart "$UNIT"
