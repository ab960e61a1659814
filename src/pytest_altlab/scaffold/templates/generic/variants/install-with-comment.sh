#!/bin/sh
# Alternative route: a new file put in place with install(1), a comment and another spacing.
set -eu
tmp=$(mktemp)
printf '# managed by hand\nlevel=%s\n' "$@@SVC_UPPER@@_LEVEL" > "$tmp"
install -m 600 -o root -g root "$tmp" /etc/@@LAB@@/@@SERVICE@@.conf
rm -f "$tmp"
