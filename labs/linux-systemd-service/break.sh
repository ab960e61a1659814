#!/bin/bash
# Break step (in the host, as root): the cache's config, a hardened host's low default limits for
# services, and the cache started by hand as root from a shell, the way it ran until today.
set -euo pipefail
mkdir -p "$(dirname "$CONFIG")" /var/lib/altcraft-cache
cat > "$CONFIG" <<CONF
# The platform's cache: Redis, in memory only (no snapshots: the platform refills it).
port $PORT
bind 0.0.0.0
protected-mode no
daemonize no
# An empty logfile: Redis logs to its standard output (the journal, under systemd).
logfile ""
save ""
appendonly no
dir /var/lib/altcraft-cache
maxclients 10000
CONF
chmod 0644 "$CONFIG"

# This host's defaults for every service: 1024 open files, 64 KiB of locked memory.
mkdir -p /etc/systemd/system.conf.d
printf '%s\n' '[Manager]' 'DefaultLimitNOFILE=1024' 'DefaultLimitMEMLOCK=64K' > /etc/systemd/system.conf.d/10-limits.conf
systemctl daemon-reexec

# How the cache ran so far: by hand, as root, detached from the shell, logging to a file.
redis-server "$CONFIG" --daemonize yes --logfile /var/log/altcraft-cache.log --pidfile /run/altcraft-cache.pid
for _ in $(seq 50); do
  redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG && exit 0
  sleep 0.2
done
echo "the hand-started cache did not answer on port $PORT" >&2
exit 1
