set -eu
# Everything else is right, but the key keeps the mode it was deployed with.
chmod 0644 "$SSL_DIR/$SERVER_NAME.key"
