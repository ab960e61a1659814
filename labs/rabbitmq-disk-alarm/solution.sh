#!/bin/sh
# Reference fix, inside the broker container: the platform's limit in the file that set the bad one.
# (A host-side step restarts the broker afterwards so the node reads it.)
set -eu
f=$(grep -l '^ *disk_free_limit' /etc/rabbitmq/conf.d/*.conf)
sed -i "s/^ *disk_free_limit\..*/disk_free_limit.absolute = ${DISK_LIMIT_GB}GB/" $f
grep -q "^disk_free_limit.absolute = ${DISK_LIMIT_GB}GB" $f
