set -eu
# Fresh server: no requirepass, maxclients 10000 in the config file (the kvrocks.conf defaults).
# A colleague then raised maxclients in the running server only: CONFIG GET already shows the
# wanted value, the file does not.
conf=/var/lib/kvrocks/kvrocks.conf
out=$(redis-cli -p 6666 CONFIG SET maxclients "$MAXCLIENTS")
[ "$out" = OK ] || { echo "CONFIG SET maxclients: $out" >&2; exit 1; }
redis-cli -p 6666 SET platform:release 2026.11.2 >/dev/null
redis-cli -p 6666 HSET platform:limits campaigns_per_hour 40 sends_per_second 1500 >/dev/null
# The starting point the task describes, on either server's own file.
grep -Eq '^[[:space:]]*maxclients[[:space:]]+10000[[:space:]]*$' "$conf"
if grep -Eq '^[[:space:]]*requirepass[[:space:]]' "$conf"; then
  echo "$conf already sets requirepass" >&2
  exit 1
fi
