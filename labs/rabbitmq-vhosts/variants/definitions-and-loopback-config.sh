set -eu
# Import a definitions file (merges into what exists), then restrict guest to loopback in the config.
cat > /tmp/altcraft-definitions.json <<JSON
{
  "vhosts": [{"name": "$VHOST"}],
  "users": [
    {"name": "$MONITOR_USER", "password": "$MONITOR_PASSWORD", "tags": ["monitoring"]}
  ],
  "permissions": [
    {"user": "$APP_USER", "vhost": "$VHOST", "configure": ".*", "write": ".*", "read": ".*"},
    {"user": "$MONITOR_USER", "vhost": "$VHOST", "configure": "^$", "write": "^$", "read": ".*"}
  ]
}
JSON
rabbitmqctl -q import_definitions /tmp/altcraft-definitions.json
rabbitmqctl -q change_password "$APP_USER" "$APP_PASSWORD"
rabbitmqctl -q clear_permissions -p / "$APP_USER"
sed -i 's/^loopback_users.guest *= *false/loopback_users.guest = true/' /etc/rabbitmq/conf.d/10-defaults.conf
grep -q '^loopback_users.guest = true' /etc/rabbitmq/conf.d/10-defaults.conf
