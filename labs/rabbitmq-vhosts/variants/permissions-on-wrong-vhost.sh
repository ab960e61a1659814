set -eu
rabbitmqctl -q clear_permissions -p "$VHOST" "$APP_USER"
rabbitmqctl -q set_permissions -p / "$APP_USER" '.*' '.*' '.*'
