set -eu
# A staging vhost from an earlier test keeps full rights for the app user: '/' is clean, but the user is
# not limited to its vhost.
rabbitmqctl -q add_vhost staging
rabbitmqctl -q set_permissions -p staging "$APP_USER" ".*" ".*" ".*"
