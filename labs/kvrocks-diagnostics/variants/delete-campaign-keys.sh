set -eu
# Near-miss: the counted campaign "cleaned up" after the count.
redis-cli -p 6666 --scan --pattern "campaign:$CAMPAIGN_ID:*" | xargs -r -n 200 redis-cli -p 6666 DEL >/dev/null
