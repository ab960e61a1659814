set -eu
# Near-miss: the same answers as the reference, but the count comes from KEYS.
cli() { redis-cli -p 6666 "$@"; }
keys=$(cli KEYS "campaign:$CAMPAIGN_ID:*" | wc -l)
rss=$(cli INFO memory | tr -d '\r' | sed -n 's/^used_memory_rss://p')
clients=$(cli INFO clients | tr -d '\r' | sed -n 's/^connected_clients://p')
printf 'campaign_keys: %s\nused_memory_rss: %s\nconnected_clients: %s\n' "$keys" "$rss" "$clients" > "$ANSWER_FILE"
