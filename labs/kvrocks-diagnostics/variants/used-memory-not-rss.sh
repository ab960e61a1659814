set -eu
# Near-miss: "used memory" taken from used_memory (what the allocator handed out; Redis only)
# instead of used_memory_rss (what the process holds, the field both servers report).
mem=$(redis-cli -p 6666 INFO memory | tr -d '\r' | sed -n 's/^used_memory://p')
[ -n "$mem" ] || mem=$(redis-cli -p 6666 INFO memory | tr -d '\r' | sed -n 's/^used_memory_lua://p')
sed -i "s/^used_memory_rss:.*/used_memory_rss: $mem/" "$ANSWER_FILE"
