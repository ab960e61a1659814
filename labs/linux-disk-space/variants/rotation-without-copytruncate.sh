#!/bin/bash
# Near-miss: the rotation renames the log and creates a new one; Redis keeps writing to the renamed file.
set -euo pipefail
sed -i 's/^\(\s*\)copytruncate$/\1create 0640 cache cache/' /etc/logrotate.d/altcraft-cache
grep -q create /etc/logrotate.d/altcraft-cache
