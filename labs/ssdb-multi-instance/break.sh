#!/bin/bash
set -euo pipefail
# The colleague's draft: indented with spaces, the default port, a data folder shared by "all of them".
cat > /etc/ssdb/hardbounces.conf <<'CONF'
# ssdb-server config for hard bounces (draft)
work_dir = /var/lib/ssdb
pidfile = /var/lib/ssdb/ssdb.pid

server:
    ip: 0.0.0.0
    port: 8888

logger:
    level: info
    output: /var/lib/ssdb/log.txt

leveldb:
    cache_size: 100
CONF
test -x /usr/local/ssdb/ssdb-server
