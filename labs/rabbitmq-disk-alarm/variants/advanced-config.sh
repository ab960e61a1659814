set -eu
# Alternative: advanced.config (Erlang terms) overrides the conf files; 2GiB in bytes.
bytes=$(( DISK_LIMIT_GB * 1024 * 1024 * 1024 ))
sed -i '/^ *disk_free_limit/d' /etc/rabbitmq/conf.d/30-resources.conf
echo "[{rabbit, [{disk_free_limit, $bytes}]}]." > /etc/rabbitmq/advanced.config
