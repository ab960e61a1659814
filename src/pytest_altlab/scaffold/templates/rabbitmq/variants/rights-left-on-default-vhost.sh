#!/bin/sh
# Near-miss: after the solution, the app user gets its old rights on '/' back (never cleared).
set -eu
rabbitmqctl -q set_permissions -p / "$APP_USER" '.*' '.*' '.*'
