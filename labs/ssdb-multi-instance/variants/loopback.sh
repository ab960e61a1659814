#!/bin/bash
set -euo pipefail
write_conf() {
  local name=$1 port=$2 ip=$3 t=$4 auth=${5-}
  mkdir -p "/var/lib/ssdb/$name"
  {
    printf '# ssdb-server config: %s\n' "$name"
    printf 'work_dir = /var/lib/ssdb/%s\npidfile = /var/lib/ssdb/%s/ssdb.pid\n\n' "$name" "$name"
    printf 'server:\n%sip: %s\n%sport: %s\n' "$t" "$ip" "$t" "$port"
    [ -n "$auth" ] && printf '%sauth: %s\n' "$t" "$auth"
    printf '\nreplication:\n%sbinlog: yes\n%ssync_speed: -1\n' "$t" "$t"
    printf '\nlogger:\n%slevel: info\n%soutput: /var/lib/ssdb/%s/log.txt\n%srotate:\n%s%ssize: 1000000000\n' \
      "$t" "$t" "$name" "$t" "$t" "$t"
    printf '\nleveldb:\n%scache_size: 100\n%swrite_buffer_size: 16\n%scompaction_speed: 1000\n%scompression: yes\n' \
      "$t" "$t" "$t" "$t"
  } > "/etc/ssdb/$name.conf"
}
start_all() {
  for n in hardbounces notifications mtastats; do ssdb-server -d "/etc/ssdb/$n.conf"; done
  sleep 1
}

# Near-miss: the default address, loopback only.
rm -f /etc/ssdb/hardbounces.conf
for spec in hardbounces:8881 notifications:8882 mtastats:8883; do
  write_conf "${spec%:*}" "${spec#*:}" 127.0.0.1 $'\t' "$PASSWORD"
done
start_all
