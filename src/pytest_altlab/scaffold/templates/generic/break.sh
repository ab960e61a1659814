#!/bin/sh
# Break step of @@LAB@@ (in the @@SERVICE@@ container, as root): an old value, readable by everyone.
set -eu
mkdir -p /etc/@@LAB@@
printf '# site settings of @@SERVICE@@\nlevel = legacy\n' > /etc/@@LAB@@/@@SERVICE@@.conf
chmod 644 /etc/@@LAB@@/@@SERVICE@@.conf
