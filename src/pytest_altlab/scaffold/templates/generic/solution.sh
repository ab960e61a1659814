#!/bin/sh
# Reference solution of @@LAB@@ (in the @@SERVICE@@ container, as root): used by `altlab verify` only.
set -eu
printf '# site settings of @@SERVICE@@\nlevel = %s\n' "$@@SVC_UPPER@@_LEVEL" > /etc/@@LAB@@/@@SERVICE@@.conf
chown root:root /etc/@@LAB@@/@@SERVICE@@.conf
chmod 600 /etc/@@LAB@@/@@SERVICE@@.conf
