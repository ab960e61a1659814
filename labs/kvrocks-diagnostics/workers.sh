set -eu
# Break step, in the server's container: live workers and a crashed job's idle connections.
# Each is a redis-cli reading commands from a pipe that stays open; setsid and /dev/null let
# this step end while they keep their connections. The names go in through the environment, so
# `ps` does not print them: CLIENT LIST is where a candidate finds them.
i=0
while [ "$i" -lt "$STALE_COUNT" ]; do
  # named, then silent for good: the crashed job's connections
  N="$STALE_NAME" setsid sh -c '{ echo "CLIENT SETNAME $N"; exec sleep infinity; } | redis-cli -p 6666 >/dev/null 2>&1' \
    </dev/null >/dev/null 2>&1 &
  i=$((i + 1))
done
i=0
while [ "$i" -lt "$WORKER_COUNT" ]; do
  # named, then a PING every few seconds: the live workers (a killed one would reconnect unnamed)
  N="$WORKER_NAME" T=$((i + 2)) setsid sh -c '{ echo "CLIENT SETNAME $N"; while sleep "$T"; do echo PING; done; } | redis-cli -p 6666 >/dev/null 2>&1' \
    </dev/null >/dev/null 2>&1 &
  i=$((i + 1))
done
tries=0
while :; do
  list=$(redis-cli -p 6666 CLIENT LIST)
  s=$(printf '%s\n' "$list" | grep -c " name=$STALE_NAME " || true)
  w=$(printf '%s\n' "$list" | grep -c " name=$WORKER_NAME " || true)
  [ "$s" -eq "$STALE_COUNT" ] && [ "$w" -eq "$WORKER_COUNT" ] && break
  tries=$((tries + 1))
  if [ "$tries" -ge 100 ]; then
    echo "after 10 s: $s of $STALE_COUNT '$STALE_NAME' and $w of $WORKER_COUNT '$WORKER_NAME' clients connected" >&2
    exit 1
  fi
  sleep 0.1
done
