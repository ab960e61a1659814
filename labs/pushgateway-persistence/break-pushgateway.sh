#!/bin/sh
# Break step (root, in the gateway's container): the gateway's flags file, without persistence.
# Both flavours get the same file; it belongs to the gateway's user (uid 65534) so it is editable from
# `altlab shell ... pushgateway`. The entrypoint reads it at start (see compose/pushgateway.yaml).
set -eu
mkdir -p /etc/pushgateway
cat > "$ARGS_FILE" <<'ARGS'
# Command-line flags of the Pushgateway, one per line (lines starting with # are ignored).
# They are read when the gateway starts: restart it after a change. `pushgateway --help` lists them.
--web.listen-address=:9091
--log.level=info
ARGS
chown -R 65534:65534 /etc/pushgateway
