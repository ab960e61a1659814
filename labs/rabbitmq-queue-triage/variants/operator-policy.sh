set -eu
printf 'webhooks.retry\n' > "$ANSWER_FILE"
# An operator policy applies alongside the winning user policy (platform-defaults): merged.
rabbitmqctl -q set_operator_policy -p altcraft --apply-to queues webhooks-limit '^webhooks\.retry$' '{"max-length": 5000}'
rabbitmqctl -q purge_queue -p altcraft webhooks.retry
