#!/bin/sh
# Reference solution with rabbitmqctl, run inside the broker container.
set -eu
rabbitmqctl -q add_vhost "$VHOST"
rabbitmqctl -q change_password "$APP_USER" "$APP_PASSWORD"
rabbitmqctl -q clear_permissions -p / "$APP_USER"
rabbitmqctl -q set_permissions -p "$VHOST" "$APP_USER" '.*' '.*' '.*'
rabbitmqctl -q add_user "$MONITOR_USER" "$MONITOR_PASSWORD"
rabbitmqctl -q set_user_tags "$MONITOR_USER" monitoring
rabbitmqctl -q set_permissions -p "$VHOST" "$MONITOR_USER" '^$' '^$' '.*'
rabbitmqctl -q delete_user guest
