#!/bin/sh
# Alternative: the flag written as two words (`--persistence.file PATH`), the file in /pushgateway's root.
set -eu
sed -i 's/^--log.level=info$/--log.level=debug/' "$ARGS_FILE"
printf '%s\n' '--persistence.file /pushgateway/pushgateway.db' >> "$ARGS_FILE"
