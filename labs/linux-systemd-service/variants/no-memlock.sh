#!/bin/bash
# Near-miss: LimitMEMLOCK forgotten: the unit keeps the host's default (64 KiB here).
set -euo pipefail
sed -i '/^LimitMEMLOCK=/d' "/etc/systemd/system/$UNIT.service"
systemctl daemon-reload
systemctl restart "$UNIT"
