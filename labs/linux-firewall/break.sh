#!/bin/bash
# Break step (in the host, as root): the broker runs and starts at boot, on every interface, with no firewall.
set -euo pipefail
systemctl enable --now rabbitmq-server.service >/dev/null 2>&1
systemctl disable --now nftables.service >/dev/null 2>&1 || true
nft flush ruleset
for _ in $(seq 120); do
  if bash -c "</dev/tcp/127.0.0.1/$AMQP_PORT && </dev/tcp/127.0.0.1/$MANAGEMENT_PORT" 2>/dev/null; then exit 0; fi
  sleep 0.5
done
echo "RabbitMQ did not open ports $AMQP_PORT and $MANAGEMENT_PORT within 60 s" >&2
systemctl status --no-pager rabbitmq-server >&2 || true
exit 1
