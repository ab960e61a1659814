set -eu
echo webhooks.retry > "$ANSWER_FILE"
rabbitmqctl -q set_policy -p altcraft --apply-to queues --priority 20 webhooks-retry-cap '^webhooks\.retry$' '{"max-length": 10000}'
