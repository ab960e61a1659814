#!/bin/sh
set -eu
cat > "$CONFIG_FILE" <<INI
[s3]
endpoint = $ENDPOINT
bucket = $BUCKET
region = us-east-1
addressing_style = path
signature_version = s3
access_key = $ACCESS_KEY
secret_key = $SECRET_KEY
INI
