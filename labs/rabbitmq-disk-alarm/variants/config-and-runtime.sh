set -eu
# Alternative: a drop-in file sorted after the rollout's file overrides it on the next start,
# and the running node gets the same value now, so no restart is needed.
echo "disk_free_limit.absolute = ${DISK_LIMIT_GB}GB" > /etc/rabbitmq/conf.d/90-disk-limit.conf
rabbitmqctl -q set_disk_free_limit "${DISK_LIMIT_GB}GB"
