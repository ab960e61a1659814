#!/bin/sh
# Alternative: add the plugin to enabled_plugins by hand (the broker reads it at boot; a restart follows).
set -eu
f=/etc/rabbitmq/enabled_plugins
grep -q rabbitmq_management "$f"
sed -i 's/\]\.[[:space:]]*$/,rabbitmq_prometheus]./' "$f"
cat "$f"
grep -q 'rabbitmq_prometheus\]\.' "$f"
