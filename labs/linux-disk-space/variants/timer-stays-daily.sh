#!/bin/bash
# Near-miss: the timer enabled, but with Debian's daily calendar.
set -euo pipefail
rm -rf /etc/systemd/system/logrotate.timer.d
systemctl daemon-reload
systemctl restart logrotate.timer
