set -eu
# Reference solution, part 1: the three figures, read before anything is killed.
cli() { redis-cli -p 6666 "$@"; }
keys=$(cli --scan --pattern "campaign:$CAMPAIGN_ID:*" | wc -l)
rss=$(cli INFO memory | tr -d '\r' | sed -n 's/^used_memory_rss://p')
clients=$(cli INFO clients | tr -d '\r' | sed -n 's/^connected_clients://p')
printf 'campaign_keys: %s\nused_memory_rss: %s\nconnected_clients: %s\n' "$keys" "$rss" "$clients" > "$ANSWER_FILE"
cat "$ANSWER_FILE"
