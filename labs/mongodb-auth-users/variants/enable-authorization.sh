#!/bin/bash
set -euo pipefail
# The security section put at the top of the file with sed, value quoted (same meaning as the solution's lines).
sed -i '1i security:\n  authorization: "enabled"' /data/configdb/mongod.conf
