#!/bin/sh
# Near-miss: the settings are fixed but carry the root account's key; the uploader's own user stays off.
set -eu
cat > "$CONFIG_FILE" <<INI
[s3]
endpoint = $ENDPOINT
bucket = $BUCKET
region = us-east-1
addressing_style = path
signature_version = s3v4
access_key = $ROOT_ACCESS_KEY
secret_key = $ROOT_SECRET_KEY
INI
