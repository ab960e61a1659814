#!/bin/bash
set -euo pipefail
# Alternative route: SCAN by hand (cursor loop, MATCH, COUNT), human-readable memory, answers as
# `name = value` with a comment, and the stale clients killed by address.
cli() { redis-cli -p 6666 "$@"; }
cursor=0
count=0
while :; do
  mapfile -t page < <(cli SCAN "$cursor" MATCH "campaign:$CAMPAIGN_ID:*" COUNT 500 | tr -d '\r' | sed '/^$/d')
  cursor=${page[0]}
  count=$((count + ${#page[@]} - 1))
  [ "$cursor" = 0 ] && break
done
mem=$(cli INFO memory | tr -d '\r' | sed -n 's/^used_memory_rss_human://p')
clients=$(cli INFO clients | tr -d '\r' | sed -n 's/^connected_clients://p')
{
  echo "# diagnostics of $(date -u +%F)"
  echo "campaign_keys = $count"
  echo "used_memory_rss = $mem"
  echo "connected_clients = $clients"
} > "$ANSWER_FILE"
for addr in $(cli CLIENT LIST | tr -d '\r' | grep " name=$STALE_NAME " | sed -E 's/.* addr=([^ ]+) .*/\1/'); do
  [ "$(cli CLIENT KILL ADDR "$addr")" = 1 ]
done
