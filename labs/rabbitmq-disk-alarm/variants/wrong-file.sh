set -eu
# Near-miss: the fix goes into rabbitmq.conf, which the node reads BEFORE conf.d/*.conf.
echo "disk_free_limit.absolute = ${DISK_LIMIT_GB}GB" >> /etc/rabbitmq/rabbitmq.conf
