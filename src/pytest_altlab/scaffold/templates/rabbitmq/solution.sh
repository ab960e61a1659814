#!/bin/sh
# Reference solution of @@LAB@@ (inside the broker container): used by `altlab verify`, never shown in an exam.
set -eu
rabbitmqctl -q add_vhost "$VHOST"
rabbitmqctl -q change_password "$APP_USER" "$APP_PASSWORD"
rabbitmqctl -q set_permissions -p "$VHOST" "$APP_USER" '.*' '.*' '.*'
rabbitmqctl -q clear_permissions -p / "$APP_USER"
