#!/bin/bash
# Near-miss: the reference unit without Restart=: systemd leaves a killed cache down.
set -euo pipefail
sed -i '/^Restart=/d' "/etc/systemd/system/$UNIT.service"
systemctl daemon-reload
