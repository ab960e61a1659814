set -eu
# Near-miss: the pattern lacks the colon after the id, so campaign:12070:* etc. are counted too.
keys=$(redis-cli -p 6666 --scan --pattern "campaign:$CAMPAIGN_ID*" | wc -l)
sed -i "s/^campaign_keys:.*/campaign_keys: $keys/" "$ANSWER_FILE"
