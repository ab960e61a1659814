#!/bin/sh
set -eu
sed -e "s/^access_key = .*/access_key = $OLD_ACCESS_KEY/" -e "s/^secret_key = .*/secret_key = $OLD_SECRET_KEY/" \
  -e "s#^endpoint = .*#endpoint = $ENDPOINT#" -e 's/^region = .*/region = us-east-1/' \
  -e 's/^addressing_style = .*/addressing_style = path/' -e 's/^signature_version = .*/signature_version = s3v4/' \
  -i "$CONFIG_FILE"
