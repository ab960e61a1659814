set -eu
echo webhooks.retry > "$ANSWER_FILE"
# No --priority: 0, below platform-defaults (10) whose pattern .* also matches.
rabbitmqctl -q set_policy -p altcraft --apply-to queues webhooks-retry-cap '^webhooks\.retry$' '{"max-length": 10000}'
rabbitmqctl -q purge_queue -p altcraft webhooks.retry
