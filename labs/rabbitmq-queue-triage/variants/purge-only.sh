set -eu
echo webhooks.retry > "$ANSWER_FILE"
rabbitmqctl -q purge_queue -p altcraft webhooks.retry
