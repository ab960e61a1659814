#!/bin/sh
# Reference fix of the uploader's settings: the gateway's name and port, path-style addressing, SigV4 for
# the bucket's region, the current key pair.
set -eu
cat > "$CONFIG_FILE" <<INI
[s3]
endpoint = $ENDPOINT
bucket = $BUCKET
region = us-east-1
addressing_style = path
signature_version = s3v4
access_key = $ACCESS_KEY
secret_key = $SECRET_KEY
INI
