#!/bin/sh
# Reference fix, inside the broker container. The piled-up queue is altcraft/webhooks.retry
# (`rabbitmqctl list_queues -p altcraft name messages consumers` shows it).
set -eu
echo webhooks.retry > "$ANSWER_FILE"
# Priority above the catch-all platform-defaults (10), or that policy keeps winning.
rabbitmqctl -q set_policy -p altcraft --apply-to queues --priority 20 \
    webhooks-retry-cap '^webhooks\.retry$' "{\"max-length\": $MAX_LENGTH, \"message-ttl\": 604800000}"
rabbitmqctl -q purge_queue -p altcraft webhooks.retry
