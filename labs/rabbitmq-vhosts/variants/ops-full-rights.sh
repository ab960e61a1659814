set -eu
rabbitmqctl -q set_permissions -p "$VHOST" "$MONITOR_USER" '.*' '.*' '.*'
