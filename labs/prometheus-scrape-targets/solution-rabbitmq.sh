#!/bin/sh
# Reference solution, broker side: enable the plugin (also written to enabled_plugins: survives restarts).
set -eu
rabbitmq-plugins -q enable rabbitmq_prometheus
