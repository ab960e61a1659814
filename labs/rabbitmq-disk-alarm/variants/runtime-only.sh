set -eu
# Near-miss: only the running node gets the new limit; the config file still says 100TB.
rabbitmqctl -q set_disk_free_limit "${DISK_LIMIT_GB}GB"
