#!/bin/sh
# Near-miss: after the solution, the file is readable by its group.
set -eu
chmod 640 /etc/@@LAB@@/@@SERVICE@@.conf
