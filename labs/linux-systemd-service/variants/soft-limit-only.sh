#!/bin/bash
# Near-miss: only the hard open-files limit raised (soft:hard); the process runs with the soft one.
set -euo pipefail
sed -i "s/^LimitNOFILE=.*/LimitNOFILE=1024:$NOFILE/" "/etc/systemd/system/$UNIT.service"
systemctl daemon-reload
systemctl restart "$UNIT"
