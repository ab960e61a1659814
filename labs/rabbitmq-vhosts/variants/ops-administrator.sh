set -eu
rabbitmqctl -q set_user_tags "$MONITOR_USER" administrator
