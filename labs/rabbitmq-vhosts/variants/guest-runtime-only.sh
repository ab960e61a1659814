set -eu
# guest comes back as it was, then is limited to loopback in the running node only.
rabbitmqctl -q add_user guest guest
rabbitmqctl -q set_user_tags guest administrator
rabbitmqctl -q set_permissions -p / guest '.*' '.*' '.*'
rabbitmqctl -q eval 'application:set_env(rabbit, loopback_users, [<<"guest">>]).'
