set -eu
# Alternative route for the data: rabbitmqctl inside the container, from a file written there.
cat > /tmp/platform-definitions.json <<JSON
{
  "vhosts": [{"name": "$VHOST"}],
  "exchanges": [{"name": "$EXCHANGE", "vhost": "$VHOST", "type": "direct", "durable": true,
                 "auto_delete": false, "internal": false, "arguments": {}}],
  "queues": [{"name": "$QUEUE", "vhost": "$VHOST", "durable": true, "auto_delete": false, "arguments": {}}],
  "bindings": [{"source": "$EXCHANGE", "vhost": "$VHOST", "destination": "$QUEUE", "destination_type": "queue",
                "routing_key": "$QUEUE", "arguments": {}}]
}
JSON
rabbitmqctl -q import_definitions /tmp/platform-definitions.json
rm -f /tmp/platform-definitions.json
