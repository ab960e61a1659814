#!/bin/bash
# Near-miss: after the cleanup, persistence turned off "so it cannot happen again".
set -euo pipefail
redis-cli -p "$PORT" config set appendonly no | grep -q OK
