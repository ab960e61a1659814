set -eu
# Near-miss: the bad line is deleted instead of corrected; the node falls back to the 50MB default.
sed -i '/^ *disk_free_limit/d' /etc/rabbitmq/conf.d/30-resources.conf
